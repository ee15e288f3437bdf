"""poetry.lock: every `[[package]]` is a pinned PyPI component.

Two shapes are read (Poetry's `poetry/packages/locker.py`): lock-version 1.x keeps file hashes under
`[metadata.files]` and a `category` ("main"/"dev") per package; 2.x keeps `files` in each package,
and 2.1 (Poetry 2) adds `groups = ["main", …]`. The lock does not say which packages are direct, so
the sibling `pyproject.toml` is read for that; when the lock has neither `category` nor `groups`
(lock 2.0) the scope is carried from the declared direct dependencies along `[package.dependencies]`.
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
    pyproject_direct,
    refs_by_name,
    roots_by_scope,
    scopes_by_reachability,
)
from osswatch.model import Component, Inventory, Location, Scope

KIND = "poetry.lock"


@dataclass(frozen=True, kw_only=True, slots=True)
class _Locked:
    """One `[[package]]` entry as read, before direct marking and scopes."""

    name: str
    version: str
    line: int | None
    declared_scope: Scope | None
    """From `category`/`groups` (with `optional`), None when the lock does not say."""
    is_optional: bool
    hashes: tuple[str, ...]
    dependencies: tuple[str, ...]
    """Normalized names of `[package.dependencies]`."""

    @property
    def ref(self) -> str:
        """The package's stable key."""
        return package_ref(self.name, self.version)


class _LegacyFiles:
    """lock-version 1.x `[metadata.files]`, keyed by normalized name (Poetry wrote either spelling)."""

    def __init__(self, files: Fields | None) -> None:
        self._files = files
        self._keys = {normalize_name(PYPI, key): key for key, _ in files.items()} if files else {}

    def of(self, name: str) -> Iterator[Fields]:
        """The file tables of a package, none when absent."""
        key = self._keys.get(normalize_name(PYPI, name))
        return self._files.tables(key) if self._files is not None and key is not None else iter(())


def _files(fields: Fields, name: str, legacy: _LegacyFiles) -> Iterator[Fields]:
    return fields.tables("files") if "files" in fields else legacy.of(name)


def _declared_scope(fields: Fields, is_optional: bool) -> Scope | None:
    category = fields.opt_str("category")
    groups = fields.list("groups") if "groups" in fields else None
    if category is None and groups is None:
        return None
    is_main = category == "main" if category is not None else "main" in (groups or [])
    if not is_main:
        return Scope.DEV
    return Scope.OPTIONAL if is_optional else Scope.RUNTIME


def _read_package(fields: Fields, line: int | None, legacy: _LegacyFiles) -> _Locked:
    name = fields.str("name")
    is_optional = fields.opt_bool("optional") is True
    hashes = (file.opt_str("hash") for file in _files(fields, name, legacy))
    dependencies = fields.opt_mapping("dependencies")
    names = (
        () if dependencies is None else tuple(normalize_name(PYPI, dep) for dep, _ in dependencies.items())
    )
    return _Locked(
        name=name,
        version=fields.str("version"),
        line=line,
        declared_scope=_declared_scope(fields, is_optional),
        is_optional=is_optional,
        hashes=tuple(value for value in hashes if value is not None),
        dependencies=names,
    )


def _locked(document: Document, data: Mapping[str, Any]) -> Iterator[_Locked]:
    metadata = Fields(data, "", error=document.error).opt_mapping("metadata")
    # lock-version 1.x: `[metadata.files] name = [{file, hash}, …]`.
    legacy = _LegacyFiles(metadata.opt_mapping("files") if metadata is not None else None)
    for fields, line in locked_entries(document, data, "package"):
        yield _read_package(fields, line, legacy)


def _scope(package: _Locked, reached: Mapping[str, Scope]) -> Scope:
    if package.declared_scope is not None:
        return package.declared_scope
    if package.ref in reached:
        return reached[package.ref]
    return Scope.OPTIONAL if package.is_optional else Scope.RUNTIME


def _components(document: Document, packages: list[_Locked]) -> Iterator[Component]:
    by_name = refs_by_name(package.ref for package in packages)
    edges = {p.ref: [ref for dep in p.dependencies for ref in by_name.get(dep, ())] for p in packages}
    direct = pyproject_direct(document)
    reached = scopes_by_reachability(roots_by_scope(direct, edges), edges) if direct is not None else {}
    for package in packages:
        normalized = normalize_name(PYPI, package.name)
        yield pypi_component(
            name=package.name,
            version=package.version,
            location=Location(path=document.path, line=package.line),
            is_direct=None if direct is None else normalized in direct,
            scope=_scope(package, reached),
            hashes=package.hashes,
            depends_on=edges[package.ref],
        )


class PoetryLockParser:
    """Reads poetry.lock (lock-version 1.x and 2.x)."""

    kind = KIND

    def parse(self, document: Document) -> Inventory:
        """Every locked package, marked direct from the sibling pyproject.toml when there is one."""
        packages = list(_locked(document, load_toml(document)))
        return single_file_inventory(document, KIND, _components(document, packages))
