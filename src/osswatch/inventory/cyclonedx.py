"""CycloneDX SBOMs, JSON and XML, spec 1.2 to 1.6: every component at any depth, with its graph.

Spec: https://cyclonedx.org/docs/1.6/json/ and https://cyclonedx.org/docs/1.6/xml/ (XML namespace
`http://cyclonedx.org/schema/bom/1.N`). Components are `components[]`, nested at any depth under
`components[].components[]`, and also under `metadata.component.components[]`; the subject
(`metadata.component`) itself is what the BOM describes, not one of its components. Nesting is
walked with an explicit stack, so a hostile 10,000-level document cannot raise RecursionError.
`scope: optional` → optional, `excluded` → dev. `dependencies[]` gives `depends_on` by bom-ref;
the subject's own entry says which components are direct.

Lines: JSON components are found by their `bom-ref` (or `purl`) text. XML is read into the same
`CdxBom` by `cyclonedx_xml.py`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from osswatch.fields import Fields
from osswatch.inventory.base import Document, single_file_inventory
from osswatch.inventory.loaders import load_json
from osswatch.inventory.sbom import (
    Entry,
    LineIndex,
    component_of,
    graph_of,
    hash_text,
    parse_timestamp,
)
from osswatch.model import Inventory, SbomMetadata, Scope

KIND_JSON = "cyclonedx-json"
KIND_XML = "cyclonedx-xml"
_SCOPES = {None: Scope.RUNTIME, "required": Scope.RUNTIME, "optional": Scope.OPTIONAL, "excluded": Scope.DEV}
_FULL_CONTEXT_DEPTH = 8
"""Deeper than this, error contexts are abbreviated (a full path per level would be quadratic)."""


@dataclass(kw_only=True, slots=True)
class CdxBom:
    """A CycloneDX document reduced to what osswatch keeps, whatever its encoding."""

    metadata: SbomMetadata
    subject_ref: str | None
    entries: list[tuple[Entry, str]] = field(default_factory=list)
    graph: dict[str, list[str]] = field(default_factory=dict)


def _inventory(document: Document, kind: str, bom: CdxBom) -> Inventory:
    graph = graph_of(bom.graph, [bom.subject_ref] if bom.subject_ref else [])
    components = (component_of(document, entry, context, graph) for entry, context in bom.entries)
    return single_file_inventory(document, kind, components, sbom=bom.metadata)


def child_context(parent: str, index: int, depth: int) -> str:
    """The key path of a nested component, abbreviated past a few levels."""
    if depth <= _FULL_CONTEXT_DEPTH:
        return f"{parent}.components[{index}]" if parent else f"components[{index}]"
    return f"components[{index}] at depth {depth}"


def scope_of(document: Document, value: str | None, context: str, line: int | None) -> Scope:
    """The osswatch scope of a CycloneDX `scope` (absent means required)."""
    if value not in _SCOPES:
        message = f"'{context}.scope' should be required, optional or excluded, found {value!r}"
        raise document.error(message, line=line)
    return _SCOPES[value]


class CycloneDxJsonParser:
    """Reads CycloneDX JSON BOMs."""

    kind = KIND_JSON

    def parse(self, document: Document) -> Inventory:
        """Every component of the BOM, nested ones included; the subject is metadata only."""
        return _inventory(document, KIND_JSON, _JsonReader(document).bom())


class _JsonReader:
    """One CycloneDX JSON document, read into a `CdxBom`."""

    def __init__(self, document: Document) -> None:
        self.document = document
        data = load_json(document)
        if not isinstance(data, dict):
            raise document.error("not a CycloneDX BOM: expected a JSON object at the top")
        self.top = Fields(data, "", error=document.error)
        lines = LineIndex(document.text())
        self.ref_lines = lines.json_values("bom-ref")
        self.purl_lines = lines.json_values("purl")

    def bom(self) -> CdxBom:
        bom_format = self.top.raw("bomFormat")
        if bom_format != "CycloneDX":
            raise self.document.error(f"not a CycloneDX BOM: 'bomFormat' is {bom_format!r}")
        spec = f"CycloneDX {self.top.str('specVersion')}"
        meta = self.top.opt_mapping("metadata")
        subject = meta.opt_mapping("component") if meta is not None else None
        bom = CdxBom(
            metadata=self._metadata(meta, subject, spec),
            subject_ref=subject.opt_str("bom-ref") if subject is not None else None,
        )
        bom.entries = [(self._entry(fields), fields.context) for fields in self._walk(subject)]
        for dependency in self.top.tables("dependencies"):
            targets = [
                _string(self.document, dependency, "dependsOn", i, value)
                for i, value in enumerate(dependency.list("dependsOn"))
            ]
            bom.graph.setdefault(dependency.str("ref"), []).extend(targets)
        return bom

    def _metadata(self, meta: Fields | None, subject: Fields | None, spec: str) -> SbomMetadata:
        if meta is None:
            return SbomMetadata(spec=spec)
        supplier = _json_name(meta.opt_mapping("supplier"))
        if supplier is None and subject is not None:
            supplier = _json_name(subject.opt_mapping("supplier"))
        authors = (_json_name(author) for author in meta.tables("authors"))
        timestamp = meta.opt_str("timestamp")
        return SbomMetadata(
            timestamp=parse_timestamp(self.document, timestamp, "metadata.timestamp"),
            authors=tuple(name for name in authors if name),
            supplier=supplier,
            subject=subject.opt_str("name") if subject is not None else None,
            spec=spec,
        )

    def _walk(self, subject: Fields | None) -> Iterator[Fields]:
        """Every component in document order, depth first, with an explicit stack."""
        error = self.document.error
        stack: list[tuple[Any, str, int]] = []
        tops = [(subject, "metadata.component")] if subject is not None else []
        for parent, context in [*tops, (self.top, "")][::-1]:
            children = parent.list("components")
            stack.extend((c, child_context(context, i, 1), 1) for i, c in reversed([*enumerate(children)]))
        while stack:
            raw, context, depth = stack.pop()
            fields = Fields(raw, context, error=error)
            yield fields
            children = fields.list("components")
            stack.extend(
                (c, child_context(context, i, depth + 1), depth + 1)
                for i, c in reversed([*enumerate(children)])
            )

    def _entry(self, fields: Fields) -> Entry:
        ref = fields.opt_str("bom-ref")
        purl = fields.opt_str("purl")
        line = self.ref_lines.get(ref) if ref else None
        if line is None and purl:
            line = self.purl_lines.get(purl)
        hashes = (hash_text(h.str("alg"), h.str("content")) for h in fields.tables("hashes"))
        return Entry(
            name=fields.opt_str("name"),
            version=fields.opt_str("version"),
            purl=purl,
            line=line,
            ref=ref,
            scope=scope_of(self.document, fields.opt_str("scope"), fields.context, line),
            licenses=tuple(_json_licenses(fields)),
            supplier=_json_name(fields.opt_mapping("supplier")),
            author=fields.opt_str("author") or joined_names(map(_json_name, fields.tables("authors"))),
            hashes=tuple(hashes),
        )


def _string(document: Document, fields: Fields, key: str, index: int, value: object) -> str:
    if not isinstance(value, str):
        raise document.error(f"'{fields.context}.{key}[{index}]' should be a string")
    return value


def _json_name(entity: Fields | None) -> str | None:
    """The name of an organizational entity or contact (its email when it has no name)."""
    if entity is None:
        return None
    return entity.opt_str("name") or entity.opt_str("email")


def joined_names(names: Iterator[str | None]) -> str | None:
    """The names given, comma-separated; None when there are none."""
    return ", ".join(name for name in names if name) or None


def _json_licenses(fields: Fields) -> Iterator[str]:
    for choice in fields.tables("licenses"):
        expression = choice.opt_str("expression")
        if expression:
            yield expression
            continue
        license_ = choice.opt_mapping("license")
        text = (license_.opt_str("id") or license_.opt_str("name")) if license_ else None
        if text:
            yield text


class CycloneDxXmlParser:
    """Reads CycloneDX XML BOMs (namespaces 1.2 to 1.6; later 1.x read the same way)."""

    kind = KIND_XML

    def parse(self, document: Document) -> Inventory:
        """Every component of the BOM, nested ones included; the subject is metadata only."""
        from osswatch.inventory.cyclonedx_xml import read_xml_bom

        return _inventory(document, KIND_XML, read_xml_bom(document))
