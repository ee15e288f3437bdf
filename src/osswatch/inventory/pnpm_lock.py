"""pnpm's `pnpm-lock.yaml`, lockfile versions 5.x, 6 and 9.

Spec: https://github.com/pnpm/spec/tree/master/lockfile (5.x, 6.0) and pnpm's
`@pnpm/lockfile.types` (9.0). Package keys changed shape between versions:

    5.x  /name/1.0.0_peer@2.0.0        /@scope/name/1.0.0_@scope+peer@2.0.0
    6.0  /name@1.0.0(peer@2.0.0)       /@scope/name@1.0.0(@scope/peer@2.0.0)
    9.0  name@1.0.0(peer@2.0.0)        `packages` holds metadata, `snapshots` the dependencies

The peer suffix says which peers a copy was built against; it is not part of the version, so
copies differing only by it are one component. `importers` (or, for a single project before 9.0,
top-level `dependencies`/`devDependencies`) are the direct dependencies; `link:` versions there
point at the project's own workspace packages. 5.x and 6 mark packages `dev: true|false`; 9.0
does not, so scope is spread from the importers' sections.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from osswatch.fields import Fields
from osswatch.inventory.base import Document, single_file_inventory
from osswatch.inventory.loaders import load_yaml
from osswatch.inventory.npm_common import (
    ComponentTable,
    entry_fields,
    indented_keys,
    propagate_scopes,
    ref_of,
    split_spec,
)
from osswatch.model import Inventory, Scope

_SECTIONS = (
    ("dependencies", Scope.RUNTIME),
    ("optionalDependencies", Scope.OPTIONAL),
    ("devDependencies", Scope.DEV),
)
_LOCAL = ("file:", "link:")


@dataclass(frozen=True, kw_only=True, slots=True)
class _Dialect:
    """How one lockfile version spells package keys."""

    major: int

    def strip_peers(self, key: str) -> str:
        """The key without its leading `/` and its peer suffix."""
        key = key.removeprefix("/")
        if self.major >= 6:
            return key.split("(", 1)[0]
        name, slash, version = key.rpartition("/")
        # 5.x: `_` cannot occur in a semver version, so it starts the peer suffix.
        return f"{name}{slash}{version.split('_', 1)[0]}"

    def name_version(self, key: str) -> tuple[str, str]:
        """(name, version) of a package key, peers stripped."""
        bare = self.strip_peers(key)
        if self.major >= 6:
            return split_spec(bare)
        name, _, version = bare.rpartition("/")
        return name, version

    def is_registry_key(self, key: str) -> bool:
        """True for a package from the registry (not git, a tarball URL or a local folder)."""
        if self.major < 9 and not key.startswith("/"):
            return False
        version = self.name_version(key)[1]
        return ":" not in version and "/" not in version

    def dependency_key(self, name: str, value: str) -> str:
        """The package key a `name: value` dependency points at."""
        if self.major >= 9:
            # An alias is `alias: real@1.0.0`; a plain version holds no `@` before its peers.
            bare = value.split("(", 1)[0]
            return value if "@" in bare[1:] else f"{name}@{value}"
        if value.startswith("/") or "/" in value.split("(", 1)[0]:
            return value  # already a key: a registry path, or `github.com/…` for git sources
        return f"/{name}@{value}" if self.major >= 6 else f"/{name}/{value}"


def _major(data: Fields, document: Document) -> int:
    raw = data.raw("lockfileVersion")
    try:
        version = float(str(raw))
    except ValueError as e:
        raise document.error(f"unsupported lockfileVersion {raw!r}") from e
    if not 5 <= version < 10:
        raise document.error(f"unsupported lockfileVersion {raw!r} (osswatch reads 5.x to 9.x)")
    return int(version)


def _scope_flags(entry: Fields) -> Scope | None:
    if entry.opt_bool("dev"):
        return Scope.DEV
    if entry.opt_bool("optional"):
        return Scope.OPTIONAL
    if entry.opt_bool("dev") is False:
        return Scope.RUNTIME
    return None


class _Reader:
    """One pnpm lockfile: its dialect, its tables, and the refs of its package keys."""

    def __init__(self, document: Document, data: Fields) -> None:
        self.document = document
        self.dialect = _Dialect(major=_major(data, document))
        self.lines = indented_keys(document.text(), 2).first
        self.packages = data.opt_mapping("packages")
        self.snapshots = data.opt_mapping("snapshots") if self.dialect.major >= 9 else None
        self.data = data
        self.ref_by_key: dict[str, str | None] = {}
        self.flags: dict[str, Scope] = {}

    def entry(self, table: Fields, key: str, raw: Any) -> Fields:
        """One entry with errors naming its key path and line."""
        return entry_fields(self.document, raw, f"{table.context}.{key}", self.lines.get(key))

    def fill(self, table: ComponentTable) -> None:
        """Add every package to the table; the refs of all keys (with peers) are kept."""
        for raw_key, raw in self.packages.items() if self.packages is not None else ():
            assert self.packages is not None
            key = str(raw_key)  # YAML may read a key as a number
            entry = self.entry(self.packages, key, raw)
            ref = self._add(table, key, entry)
            self.ref_by_key[key] = ref
            flags = _scope_flags(entry)
            if ref is not None and flags is not None:
                self.flags[ref] = flags
        for raw_key, raw in self.snapshots.items() if self.snapshots is not None else ():
            key = str(raw_key)
            bare = self.dialect.strip_peers(key)
            self.ref_by_key[key] = self.ref_by_key.get(bare, ref_of(*self.dialect.name_version(key)))
            flags = _scope_flags(Fields(raw, key, error=self.document.error))
            ref = self.ref_by_key[key]
            if ref is not None and flags is not None:
                self.flags.setdefault(ref, flags)

    def _add(self, table: ComponentTable, key: str, entry: Fields) -> str | None:
        name, version = self.dialect.name_version(key)
        name = entry.opt_str("name") or name
        if version.startswith(_LOCAL) or key.startswith(_LOCAL):
            return None  # a folder of the project (or beside it), not a published package
        pinned = version if self.dialect.is_registry_key(key) else None
        return table.add(name, pinned, line=self.lines.get(key))

    def dependency_ref(self, name: str, value: object) -> str | None:
        """The ref a dependency value resolves to; None for `link:` (the project's own code)."""
        if isinstance(value, Mapping):  # 6.0+ importers: {specifier, version}
            value = value.get("version")
        if not isinstance(value, str | int | float) or str(value).startswith(_LOCAL):
            return None
        key = self.dialect.dependency_key(name, str(value))
        if key in self.ref_by_key:
            return self.ref_by_key[key]
        return ref_of(*self.dialect.name_version(key))

    def edges(self, table: ComponentTable) -> Iterator[tuple[str, dict[str, list[str]]]]:
        """(ref, {section: child refs}) for every component that records dependencies."""
        holder = self.snapshots if self.snapshots is not None else self.packages
        for key, raw in holder.items() if holder is not None else ():
            ref = self.ref_by_key.get(str(key))
            if ref is None or ref not in table:
                continue
            entry = Fields(raw, key, error=self.document.error)
            found: dict[str, list[str]] = {}
            for section in ("dependencies", "optionalDependencies"):
                deps = entry.opt_mapping(section)
                children = (self.dependency_ref(str(n), v) for n, v in deps.items()) if deps else ()
                found[section] = [child for child in children if child is not None]
            yield ref, found

    def importers(self) -> Iterator[Fields]:
        """The projects of the lockfile: `importers`, or the top level of a single project."""
        importers = self.data.opt_mapping("importers")
        if importers is None:
            yield self.data
            return
        for key, raw in importers.items():
            yield Fields(raw, f"importers.{key}", error=self.document.error)

    def roots(self) -> Iterator[tuple[str, Scope]]:
        """(ref, scope) of every direct dependency of every project."""
        for importer in self.importers():
            for section, scope in _SECTIONS:
                deps = importer.opt_mapping(section)
                for name, value in deps.items() if deps is not None else ():
                    ref = self.dependency_ref(str(name), value)
                    if ref is not None:
                        yield ref, scope


class PnpmLockParser:
    """Reads pnpm-lock.yaml (lockfile versions 5.x, 6 and 9)."""

    kind = "pnpm-lock.yaml"

    def parse(self, document: Document) -> Inventory:
        """Every package the lockfile installs, the project's own workspaces left out."""
        reader = _Reader(document, Fields(load_yaml(document), "", error=document.error))
        table = ComponentTable(document)
        reader.fill(table)
        edges: dict[str, list[str]] = {}
        optional_edges: dict[str, list[str]] = {}
        for ref, found in reader.edges(table):
            edges.setdefault(ref, []).extend(found["dependencies"])
            optional_edges.setdefault(ref, []).extend(found["optionalDependencies"])
            table.add_edges(ref, found["dependencies"] + found["optionalDependencies"])
        roots = list(reader.roots())
        direct = {ref for ref, _scope in roots}
        scopes = propagate_scopes(roots, edges, optional_edges)
        for ref in list(table.refs()):
            table.set_direct(ref, ref in direct)
            table.set_scope(ref, reader.flags.get(ref) or scopes.get(ref, Scope.RUNTIME))
        return single_file_inventory(document, self.kind, table.components())
