"""uv.lock: every `[[package]]` but the project itself is a pinned PyPI component.

Shape from uv's documentation (https://docs.astral.sh/uv/concepts/projects/layout/#the-lockfile) and
uv's own lock: packages carry a `source` table; `source = { editable = "." }` or `{ virtual = "." }`
(and workspace members listed in `[manifest] members`) are the project, not a dependency. The
project's `dependencies`, `optional-dependencies` and `dev-dependencies` are the direct ones, and
their scope is carried to the rest along the graph.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
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
    scopes_by_reachability,
)
from osswatch.model import Component, Inventory, Location, Scope

KIND = "uv.lock"


@dataclass(frozen=True, kw_only=True, slots=True)
class _Dependency:
    """A `{ name = …, version = … }` reference to another locked package."""

    name: str
    version: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class _Locked:
    """One `[[package]]` entry as read."""

    name: str
    version: str | None
    line: int | None
    is_project: bool
    hashes: tuple[str, ...]
    dependencies: tuple[_Dependency, ...]
    optional: tuple[_Dependency, ...]
    dev: tuple[_Dependency, ...]

    @property
    def ref(self) -> str:
        """The package's stable key."""
        return package_ref(self.name, self.version)


def _dependencies(tables: Iterator[Fields]) -> tuple[_Dependency, ...]:
    return tuple(_Dependency(name=table.str("name"), version=table.opt_str("version")) for table in tables)


def _grouped(fields: Fields, key: str) -> tuple[_Dependency, ...]:
    """The dependencies of every group of a `{ group = [deps] }` table (extras, dev groups)."""
    groups = fields.opt_mapping(key)
    if groups is None:
        return ()
    return tuple(dep for group, _ in groups.items() for dep in _dependencies(groups.tables(group)))


def _hashes(fields: Fields) -> tuple[str, ...]:
    sdist = fields.opt_mapping("sdist")
    files = [*fields.tables("wheels"), *([sdist] if sdist is not None else [])]
    return tuple(value for file in files if (value := file.opt_str("hash")) is not None)


def _is_project(fields: Fields, members: frozenset[str]) -> bool:
    source = fields.opt_mapping("source")
    if source is None:
        return False
    local = source.opt_str("editable") or source.opt_str("virtual")
    return local == "." or (local is not None and normalize_name(PYPI, fields.str("name")) in members)


def _read_package(fields: Fields, line: int | None, members: frozenset[str]) -> _Locked:
    return _Locked(
        name=fields.str("name"),
        version=fields.opt_str("version"),
        line=line,
        is_project=_is_project(fields, members),
        hashes=_hashes(fields),
        dependencies=_dependencies(fields.tables("dependencies")),
        optional=_grouped(fields, "optional-dependencies"),
        dev=_grouped(fields, "dev-dependencies"),
    )


def _members(document: Document, data: Mapping[str, Any]) -> frozenset[str]:
    manifest = Fields(data, "", error=document.error).opt_mapping("manifest")
    names = manifest.list("members") if manifest is not None else []
    return frozenset(normalize_name(PYPI, name) for name in names if isinstance(name, str))


class _Graph:
    """The locked packages with their edges resolved to refs."""

    def __init__(self, packages: list[_Locked]) -> None:
        self.packages = packages
        self._by_name = refs_by_name(package.ref for package in packages)

    def refs(self, dependencies: tuple[_Dependency, ...]) -> list[str]:
        """The refs a list of dependencies points at (by version when given, else by name)."""
        found: list[str] = []
        for dep in dependencies:
            if dep.version is not None:
                found.append(package_ref(dep.name, dep.version))
            else:
                found.extend(self._by_name.get(normalize_name(PYPI, dep.name), ()))
        return found

    def roots(self) -> dict[Scope, list[str]]:
        """The direct dependencies of the project(s), by scope."""
        projects = [package for package in self.packages if package.is_project]
        return {
            Scope.RUNTIME: [ref for p in projects for ref in self.refs(p.dependencies)],
            Scope.OPTIONAL: [ref for p in projects for ref in self.refs(p.optional)],
            Scope.DEV: [ref for p in projects for ref in self.refs(p.dev)],
        }


def _components(document: Document, packages: list[_Locked]) -> Iterator[Component]:
    graph = _Graph(packages)
    # Extras a package was locked with are reachable from it too (uv records them per package).
    edges = {p.ref: graph.refs(p.dependencies + p.optional) for p in packages}
    roots = graph.roots()
    has_project = any(package.is_project for package in packages)
    direct = {ref for refs in roots.values() for ref in refs}
    scopes = scopes_by_reachability(roots, edges)
    for package in packages:
        if package.is_project:
            continue
        yield pypi_component(
            name=package.name,
            version=package.version,
            location=Location(path=document.path, line=package.line),
            is_direct=package.ref in direct if has_project else None,
            scope=scopes.get(package.ref, Scope.RUNTIME),
            hashes=package.hashes,
            depends_on=graph.refs(package.dependencies),
        )


class UvLockParser:
    """Reads uv.lock."""

    kind = KIND

    def parse(self, document: Document) -> Inventory:
        """Every locked package except the project and its workspace members."""
        data = load_toml(document)
        members = _members(document, data)
        packages = [
            _read_package(fields, line, members) for fields, line in locked_entries(document, data, "package")
        ]
        return single_file_inventory(document, KIND, _components(document, packages))
