"""Yarn's `yarn.lock`: the classic v1 text format and Berry's (Yarn 2+) YAML.

v1 (https://classic.yarnpkg.com/en/docs/yarn-lock) is Yarn's own indented format, read here by a
small linear parser: `"a@^1", a@^1.2:` heads an entry of `version "1.2.3"` lines and
`dependencies:` sections. Berry (https://yarnpkg.com/configuration/yarnrc, lockfile written by
`@yarnpkg/core` `Project.generateLockfile`) is YAML with a `__metadata` entry; each entry's
`resolution` (`name@npm:1.2.3`) names the real package. `workspace:`, `link:`, `portal:` and `file:`
resolutions are the project's own code; `patch:` resolutions wrap an npm one.

Neither format marks dev dependencies, so scope is spread from the direct dependencies that
the sibling package.json (or, in Berry, each workspace's package.json) declares.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from osswatch.fields import Fields
from osswatch.inventory.base import Document, single_file_inventory
from osswatch.inventory.loaders import load_yaml
from osswatch.inventory.npm_common import (
    ComponentTable,
    Declared,
    entry_fields,
    indented_keys,
    is_git_source,
    path_segments,
    propagate_scopes,
    read_manifest,
    sibling_manifest,
    split_spec,
)
from osswatch.model import Inventory, Scope

_LOCAL_PROTOCOLS = ("workspace:", "link:", "portal:", "file:")
_DESCRIPTOR = re.compile(r'\s*("(?:[^"\\]|\\.)*"|[^,"]+)\s*(?:,|$)')
_BERRY_MARKER = re.compile(r"^__metadata:", re.MULTILINE)


@dataclass(slots=True)
class _Entry:
    """One lockfile entry, whichever format it came from."""

    descriptors: list[str]
    line: int | None
    name: str = ""
    version: str | None = None
    is_local: bool = False
    is_git: bool = False
    dependencies: dict[str, str] = field(default_factory=dict)
    optional: set[str] = field(default_factory=set)
    workspace: str | None = None
    """The folder of a Berry workspace entry (`.` for the root)."""


# --- v1 ---------------------------------------------------------------------------------------


def _unquote(token: str, document: Document, line: int) -> str:
    if not token.startswith('"'):
        return token
    if "\\" not in token and token.endswith('"') and len(token) >= 2 and '"' not in token[1:-1]:
        return token[1:-1]  # no escapes: the common case, without a JSON decoder per token
    try:
        value = json.loads(token)
    except json.JSONDecodeError as e:
        raise document.error(f"bad quoted string {token[:40]!r}", line=line) from e
    if not isinstance(value, str):
        raise document.error(f"bad quoted string {token[:40]!r}", line=line)
    return value


def _split_pair(text: str, document: Document, line: int) -> tuple[str, str]:
    """`key value` (either may be quoted) → the two, unquoted."""
    if text.startswith('"'):
        match = re.match(r'"(?:[^"\\]|\\.)*"', text)
        if match is None:
            raise document.error("unterminated quoted string", line=line)
        key, rest = match.group(0), text[match.end() :]
    else:
        key, _, rest = text.partition(" ")
        rest = " " + rest
    return _unquote(key, document, line), _unquote(rest.strip(), document, line)


def _descriptors(head: str, document: Document, line: int) -> list[str]:
    """The comma-separated descriptors heading an entry (`"a@^1", a@^1.2`), unquoted."""
    found: list[str] = []
    position = 0
    while position < len(head):
        match = _DESCRIPTOR.match(head, position)
        if match is None or match.end() == position:
            raise document.error(f"bad entry heading {head[:60]!r}", line=line)
        token = match.group(1).strip()
        found.append(_unquote(token, document, line))
        position = match.end()
    if not found or not all(found):
        raise document.error(f"bad entry heading {head[:60]!r}", line=line)
    return found


class _ClassicReader:
    """The v1 text format, one line at a time."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.entries: list[_Entry] = []
        self.section: str | None = None

    def read(self, text: str) -> list[_Entry]:
        """Every entry of the file."""
        for number, raw in enumerate(text.splitlines(), 1):
            stripped = raw.strip()
            if not stripped or stripped.startswith("#"):
                continue
            indent = len(raw) - len(raw.lstrip(" "))
            match indent:
                case 0:
                    self._head(stripped, number)
                case 2:
                    self._field(stripped, number)
                case 4:
                    self._dependency(stripped, number)
                case _:
                    raise self.document.error(f"unexpected indentation of {indent}", line=number)
        return self.entries

    def _head(self, text: str, line: int) -> None:
        if not text.endswith(":"):
            raise self.document.error("an entry heading should end with ':'", line=line)
        self.entries.append(_Entry(_descriptors(text[:-1], self.document, line), line))
        self.section = None

    def _field(self, text: str, line: int) -> None:
        if not self.entries:
            raise self.document.error("a field outside any entry", line=line)
        entry = self.entries[-1]
        if text.endswith(":"):
            self.section = text[:-1].strip('"')
            return
        self.section = None
        key, value = _split_pair(text, self.document, line)
        if key == "version":
            entry.version = value
        elif key == "resolved":
            entry.is_local = entry.is_local or value.startswith(_LOCAL_PROTOCOLS)
            entry.is_git = entry.is_git or is_git_source(value)

    def _dependency(self, text: str, line: int) -> None:
        if self.section is None:
            raise self.document.error("a dependency outside any section", line=line)
        name, wanted = _split_pair(text, self.document, line)
        if self.section in ("dependencies", "optionalDependencies"):
            self.entries[-1].dependencies[name] = wanted
            if self.section == "optionalDependencies":
                self.entries[-1].optional.add(name)


def _classic_identity(entry: _Entry, document: Document) -> None:
    """Name and version of a v1 entry from its first descriptor (`name@range`, aliases too)."""
    name, wanted = split_spec(entry.descriptors[0])
    if wanted.startswith("npm:"):  # `alias@npm:real@^1`
        name = split_spec(wanted.removeprefix("npm:"))[0]
    entry.name = name
    entry.is_local = entry.is_local or wanted.startswith(_LOCAL_PROTOCOLS)
    if entry.version is None and not entry.is_local:
        raise document.error(f"missing 'version' in '{entry.descriptors[0]}'", line=entry.line)
    if entry.is_git or is_git_source(wanted):
        entry.version = None  # a git checkout: its package.json version is not a registry one


def _read_classic(document: Document, text: str) -> list[_Entry]:
    entries = _ClassicReader(document).read(text)
    for entry in entries:
        _classic_identity(entry, document)
    return entries


# --- Berry ------------------------------------------------------------------------------------


def _resolution_identity(resolution: str) -> tuple[str, str | None, bool]:
    """(name, version, is_local) of a Berry resolution such as `a@npm:1.2.3`."""
    name, reference = split_spec(resolution)
    if reference.startswith(_LOCAL_PROTOCOLS):
        return name, None, True
    if reference.startswith("patch:"):  # `a@patch:a@npm%3A1.2.3#./fix.patch::version=1.2.3&…`
        return _resolution_identity(unquote(reference.removeprefix("patch:").split("#", 1)[0]))
    if reference.startswith("npm:"):
        return name, reference.removeprefix("npm:").split("::", 1)[0], False
    return name, None, False  # git, a tarball URL: not a registry version


def _berry_entry(document: Document, key: str, raw: Any, line: int | None) -> _Entry:
    fields = entry_fields(document, raw, key, line)
    resolution = fields.str("resolution")
    entry = _Entry([d.strip() for d in key.split(",")], line)
    entry.name, entry.version, entry.is_local = _resolution_identity(resolution)
    if entry.is_local and split_spec(resolution)[1].startswith("workspace:"):
        entry.workspace = split_spec(resolution)[1].removeprefix("workspace:")
    for section in ("dependencies", "optionalDependencies"):
        table = fields.opt_mapping(section)
        for name, wanted in table.items() if table is not None else ():
            entry.dependencies[str(name)] = str(wanted)
    meta = fields.opt_mapping("dependenciesMeta")
    for name, flags in meta.items() if meta is not None else ():
        if isinstance(flags, Mapping) and flags.get("optional") is True:
            entry.optional.add(str(name))
    return entry


def _read_berry(document: Document, text: str) -> list[_Entry]:
    data = Fields(load_yaml(document), "", error=document.error)
    data.mapping("__metadata")
    lines = indented_keys(text, 0).first
    return [
        _berry_entry(document, str(key), raw, lines.get(str(key)))
        for key, raw in data.items()
        if key != "__metadata"
    ]


# --- both -------------------------------------------------------------------------------------


def _resolve(by_descriptor: Mapping[str, _Entry], name: str, wanted: str) -> _Entry | None:
    found = by_descriptor.get(f"{name}@{wanted}")
    if found is None and ":" not in wanted:
        found = by_descriptor.get(f"{name}@npm:{wanted}")  # Berry keys spell the default protocol
    return found


def _workspace_roots(document: Document, entry: _Entry) -> Iterator[tuple[str, str, Scope]]:
    """(name, wanted, scope) of a Berry workspace's dependencies, scoped by its package.json."""
    folder = entry.workspace or "."
    manifest: dict[str, Declared] | None = None
    if ".." not in folder.split("/") and not folder.startswith("/"):
        manifest = sibling_manifest(document, f"{folder}/package.json" if folder != "." else "package.json")
    for name, wanted in entry.dependencies.items():
        scope = manifest[name].scope if manifest and name in manifest else Scope.RUNTIME
        yield name, wanted, Scope.OPTIONAL if name in entry.optional else scope


def _overrides(manifest: Fields | None) -> dict[str, str]:
    """The root package.json's `resolutions` (https://yarnpkg.com/configuration/manifest#resolutions)
    by the package they replace: `name` or `name@range`, any `parent/` or `**/` path dropped."""
    table = manifest.opt_mapping("resolutions") if manifest is not None else None
    overrides: dict[str, str] = {}
    for pattern, wanted in table.items() if table is not None else ():
        if isinstance(wanted, str) and (segments := path_segments(str(pattern))):
            overrides[segments[-1]] = wanted
    return overrides


class _Graph:
    """The entries as components, their edges, and the roots to spread scope from."""

    def __init__(self, entries: list[_Entry], overrides: Mapping[str, str]) -> None:
        self.by_descriptor = {d: entry for entry in entries for d in entry.descriptors}
        self.overrides = overrides
        self.ref_of: dict[int, str] = {}
        self.edges: dict[str, list[str]] = {}
        self.optional_edges: dict[str, list[str]] = {}

    def fill(self, table: ComponentTable, entries: list[_Entry]) -> None:
        """Add every third-party entry to the table and record its edges."""
        for entry in entries:
            if not entry.is_local:
                self.ref_of[id(entry)] = table.add(entry.name, entry.version, line=entry.line)
        for entry in entries:
            ref = self.ref_of.get(id(entry))
            if ref is None:
                continue
            for name, wanted in entry.dependencies.items():
                child = self.child_ref(name, wanted)
                if child is not None:
                    edges = self.optional_edges if name in entry.optional else self.edges
                    edges.setdefault(ref, []).append(child)
            table.add_edges(ref, self.edges.get(ref, []) + self.optional_edges.get(ref, []))

    def child_ref(self, name: str, wanted: str) -> str | None:
        """The ref a dependency resolves to (None for a workspace or an unknown descriptor)."""
        found = _resolve(self.by_descriptor, name, wanted)
        if found is None:  # the lockfile keys the range that `resolutions` put in its place
            override = self.overrides.get(f"{name}@{wanted}") or self.overrides.get(name)
            found = None if override is None else _resolve(self.by_descriptor, name, override)
        return None if found is None else self.ref_of.get(id(found))


def _roots(document: Document, entries: list[_Entry], graph: _Graph) -> list[tuple[str, Scope]]:
    workspaces = [entry for entry in entries if entry.workspace is not None]
    declared: list[tuple[str, str, Scope]] = []
    if workspaces:
        for workspace in workspaces:
            declared.extend(_workspace_roots(document, workspace))
    else:
        manifest = sibling_manifest(document)
        declared = [(n, d.range, d.scope) for n, d in (manifest or {}).items()]
    roots: list[tuple[str, Scope]] = []
    for name, wanted, scope in declared:
        ref = graph.child_ref(name, wanted)
        if ref is not None:
            roots.append((ref, scope))
    return roots


class YarnLockParser:
    """Reads yarn.lock, both the classic v1 format and Berry's YAML."""

    kind = "yarn.lock"

    def parse(self, document: Document) -> Inventory:
        """Every package the lockfile resolves, the project's own workspaces left out."""
        text = document.text()
        is_berry = _BERRY_MARKER.search(text) is not None
        entries = _read_berry(document, text) if is_berry else _read_classic(document, text)
        table = ComponentTable(document)
        graph = _Graph(entries, _overrides(read_manifest(document)))
        graph.fill(table, entries)
        if is_berry or document.sibling("package.json") is not None:
            roots = _roots(document, entries, graph)
            direct = {ref for ref, _scope in roots}
            scopes = propagate_scopes(roots, graph.edges, graph.optional_edges)
            for ref in list(table.refs()):
                table.set_direct(ref, ref in direct)
                table.set_scope(ref, scopes.get(ref, Scope.RUNTIME))
        return single_file_inventory(document, self.kind, table.components())
