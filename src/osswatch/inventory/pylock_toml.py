"""pylock.toml (PEP 751, https://packaging.python.org/en/latest/specifications/pylock-toml/).

Every `[[packages]]` entry is a component; `version` may be absent (VCS, directory and archive
sources whose version is not static), and then the component is unpinned. The format does not say
which packages are direct. Scope comes from the entry's `marker`: PEP 751 markers select packages
with `'<group>' in dependency_groups` and `'<extra>' in extras`; an entry selected only that way is
dev or optional, anything else is runtime.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from osswatch.ecosystems.identity import normalize_name
from osswatch.fields import Fields
from osswatch.inventory.base import Document, single_file_inventory
from osswatch.inventory.loaders import load_toml
from osswatch.inventory.python_common import (
    PYPI,
    locked_entries,
    package_ref,
    pypi_component,
    refs_by_name,
)
from osswatch.model import Component, Inventory, Location, Scope

KIND = "pylock.toml"
SUPPORTED_MAJOR = "1"
"""PEP 751: a tool must refuse a lock-version whose major part it does not support."""

_SELECTOR = re.compile(r"""\s*\(?\s*(['"])[^'"]*\1\s+in\s+(dependency_groups|extras)\s*\)?\s*""")


def _scope(marker: str | None) -> Scope:
    """Dev or optional when every `or` term of the marker is a group or extra selector."""
    if marker is None:
        return Scope.RUNTIME
    kinds: set[str] = set()
    for term in marker.split(" or "):
        found = _SELECTOR.fullmatch(term)
        if found is None:
            return Scope.RUNTIME
        kinds.add(found.group(2))
    return Scope.OPTIONAL if "extras" in kinds else Scope.DEV


def _hashes(fields: Fields) -> Iterator[str]:
    """`algorithm:value` of every hash of the entry's sdist, wheels and archive."""
    sources = [*fields.tables("wheels")]
    sources += [table for key in ("sdist", "archive") if (table := fields.opt_mapping(key)) is not None]
    for source in sources:
        hashes = source.opt_mapping("hashes")
        if hashes is not None:
            yield from (
                f"{algorithm}:{value}" for algorithm, value in hashes.items() if isinstance(value, str)
            )


def _depends_on(fields: Fields, by_name: Mapping[str, list[str]]) -> list[str]:
    found: list[str] = []
    for dep in fields.tables("dependencies"):
        name, version = dep.str("name"), dep.opt_str("version")
        if version is not None:
            found.append(package_ref(name, version))
        else:
            found.extend(by_name.get(normalize_name(PYPI, name), ()))
    return found


def _check_version(document: Document, data: Mapping[str, Any]) -> None:
    version = Fields(data, "", error=document.error).str("lock-version")
    if version.split(".", 1)[0] != SUPPORTED_MAJOR:
        raise document.error(f"unsupported lock-version {version!r} (osswatch reads 1.x)")


def _components(document: Document, data: Mapping[str, Any]) -> Iterator[Component]:
    entries = list(locked_entries(document, data, "packages"))
    by_name = refs_by_name(package_ref(f.str("name"), f.opt_str("version")) for f, _ in entries)
    for fields, line in entries:
        yield pypi_component(
            name=fields.str("name"),
            version=fields.opt_str("version"),
            location=Location(path=document.path, line=line),
            scope=_scope(fields.opt_str("marker")),
            hashes=_hashes(fields),
            depends_on=_depends_on(fields, by_name),
        )


class PylockParser:
    """Reads pylock.toml and pylock.<name>.toml."""

    kind = KIND

    def parse(self, document: Document) -> Inventory:
        """Every `[[packages]]` entry; those without a version unpinned."""
        data = load_toml(document)
        _check_version(document, data)
        return single_file_inventory(document, KIND, _components(document, data))
