"""SBOM completeness: the NTIA minimum elements, checked from an SBOM's metadata and its components.

NTIA, "The Minimum Elements For a Software Bill of Materials (SBOM)", July 2021, §IV data fields:
supplier name, component name, version, other unique identifiers, dependency relationship, author
of SBOM data, timestamp. Lockfiles are not SBOMs: a source without `SbomMetadata` is not judged.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence

from osswatch.model import Component, SourceFile


class Element(enum.StrEnum):
    """One NTIA minimum element, by the name a policy uses for it."""

    SUPPLIER = "supplier"
    NAME = "name"
    VERSION = "version"
    UNIQUE_ID = "unique_id"
    DEPENDENCIES = "dependencies"
    AUTHOR = "author"
    TIMESTAMP = "timestamp"


_PER_COMPONENT: dict[Element, Callable[[Component], bool]] = {
    Element.SUPPLIER: lambda c: bool(c.supplier),
    Element.NAME: lambda c: bool(c.name),
    Element.VERSION: lambda c: bool(c.version),
    # NTIA's "other unique identifiers": a purl, or failing that a content hash.
    Element.UNIQUE_ID: lambda c: bool(c.purl or c.hashes),
}


def lacking(components: Sequence[Component], element: Element) -> tuple[Component, ...]:
    """The components that lack a per-component element (none for document-level elements)."""
    has = _PER_COMPONENT.get(element)
    return () if has is None else tuple(c for c in components if not has(c))


def _has_dependencies(components: Sequence[Component]) -> bool:
    # One component has nothing to relate to; otherwise the graph must be recorded somewhere.
    return len(components) <= 1 or any(c.depends_on for c in components)


def missing_elements(source: SourceFile, components: Sequence[Component]) -> tuple[Element, ...]:
    """The elements this SBOM lacks, in NTIA order; () for a file that is not an SBOM."""
    sbom = source.sbom
    if sbom is None:
        return ()
    present = {
        Element.DEPENDENCIES: _has_dependencies(components),
        Element.AUTHOR: bool(sbom.authors),
        Element.TIMESTAMP: sbom.timestamp is not None,
    }
    for element in _PER_COMPONENT:
        present[element] = not lacking(components, element)
    return tuple(e for e in Element if not present[e])


__all__ = ["Element", "lacking", "missing_elements"]
