"""Cargo.lock (format versions 1 to 4): every crate the lockfile resolves, with its graph.

Format: https://doc.rust-lang.org/cargo/guide/cargo-toml-vs-cargo-lock.html and cargo's
`src/cargo/core/resolver/encode.rs`. Each `[[package]]` has `name`, `version` and, for crates that
come from somewhere, `source` (`registry+…`, `sparse+…`, `git+…`). Packages without `source` are
workspace members or path crates — the project's own code, so not components; the crates they
depend on are the direct dependencies. `dependencies` entries are `"name"`, `"name version"` (v2+,
when ambiguous) or `"name version (source)"` (v1).

Crates from a registry other than crates.io are kept but unidentified (ecosystem None): matching
them against crates.io advisories by name would report another registry's crate.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from osswatch.ecosystems.identity import normalize_name, purl_for
from osswatch.fields import Fields
from osswatch.inventory.base import Document, single_file_inventory
from osswatch.inventory.loaders import load_toml
from osswatch.model import Component, EcosystemName, Inventory, Location

ECOSYSTEM = EcosystemName("crates.io")
KIND = "Cargo.lock"
_CRATES_IO_SOURCES = (
    "registry+https://github.com/rust-lang/crates.io-index",
    "sparse+https://index.crates.io/",
)
_Resolve = Callable[[str], str | None]
"""Maps a `dependencies` entry to the `ref` of the package it names (None if not exactly one)."""
_PACKAGE_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*package[ \t]*\]\][ \t]*(#.*)?$", re.MULTILINE)


@dataclass(frozen=True, kw_only=True, slots=True)
class _Package:
    name: str
    version: str
    source: str | None
    dependencies: tuple[str, ...]
    checksum: str | None
    line: int | None

    @property
    def ref(self) -> str:
        return f"{self.name} {self.version}"


class CargoLockParser:
    """Reads Cargo.lock files."""

    kind = KIND

    def parse(self, document: Document) -> Inventory:
        """Every crate with a source; the project's own crates are left out."""
        packages = list(_packages(document))
        resolve = _resolver(packages)
        direct = {
            ref
            for package in packages
            if package.source is None
            for ref in map(resolve, package.dependencies)
            if ref is not None
        }
        by_ref = {package.ref: package for package in packages}
        components = [
            _component(document, package, resolve, direct, by_ref)
            for package in packages
            if package.source is not None
        ]
        return single_file_inventory(document, KIND, components)


def _header_lines(text: str) -> list[int]:
    newlines = [match.start() for match in re.finditer("\n", text)]
    return [bisect_right(newlines, m.start()) + 1 for m in _PACKAGE_HEADER.finditer(text)]


def _packages(document: Document) -> Iterator[_Package]:
    data = Fields(load_toml(document), "", error=document.error)
    tables = data.list("package")
    lines: list[int | None] = list(_header_lines(document.text()))
    if len(lines) != len(tables):
        # `package = [{…}]` written inline: no header to point at.
        lines = [None] * len(tables)
    for index, (table, line) in enumerate(zip(tables, lines, strict=True)):

        def error(message: str, line: int | None = line) -> Exception:
            return document.error(message, line=line)

        fields = Fields(table, f"package[{index}]", error=error)
        if not fields.str("name").strip():
            raise error(f"'package[{index}].name' is empty")
        dependencies = fields.list("dependencies")
        if not all(isinstance(item, str) for item in dependencies):
            raise error(f"'package[{index}].dependencies' should be a list of strings")
        yield _Package(
            name=fields.str("name"),
            version=fields.str("version"),
            source=fields.opt_str("source"),
            dependencies=tuple(dependencies),
            checksum=fields.opt_str("checksum"),
            line=line,
        )


def _resolver(packages: list[_Package]) -> _Resolve:
    by_name: dict[str, list[_Package]] = {}
    for package in packages:
        by_name.setdefault(package.name, []).append(package)

    def resolve(entry: str) -> str | None:
        # "name", "name version" or "name version (source)": name and version are enough.
        name, _, rest = entry.partition(" ")
        version = rest.split(" ", 1)[0] if rest else None
        candidates = [p for p in by_name.get(name, []) if version in (None, p.version)]
        return candidates[0].ref if len(candidates) == 1 else None

    return resolve


def _component(
    document: Document,
    package: _Package,
    resolve: _Resolve,
    direct: set[str],
    by_ref: dict[str, _Package],
) -> Component:
    source = package.source or ""
    is_known = source in _CRATES_IO_SOURCES or source.startswith("git+")
    ecosystem = ECOSYSTEM if is_known else None
    depends_on = tuple(
        ref
        for ref in map(resolve, package.dependencies)
        if ref is not None and by_ref[ref].source is not None
    )
    return Component(
        name=normalize_name(ECOSYSTEM, package.name),
        version=package.version,
        ecosystem=ecosystem,
        purl=purl_for(ECOSYSTEM, package.name, package.version) if is_known else None,
        location=Location(path=document.path, line=package.line),
        is_direct=package.ref in direct,
        hashes=(f"sha256:{package.checksum}",) if package.checksum else (),
        ref=package.ref,
        depends_on=depends_on,
    )
