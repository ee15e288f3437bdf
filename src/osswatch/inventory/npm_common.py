"""What the JavaScript lockfile parsers share: package specs, key lines, the manifest, scopes.

npm, Yarn, pnpm and Bun all pin npm packages, so they share the purl, the `name@version` ref,
the merge of one package installed at several paths into one component, reading the sibling
`package.json` (https://docs.npmjs.com/cli/v10/configuring-npm/package-json) for what the
project asks for directly, and spreading dev/optional scope from direct dependencies down the
graph where a lockfile records no per-package flags.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from osswatch.ecosystems.identity import purl_for
from osswatch.errors import ParseError
from osswatch.fields import Fields
from osswatch.inventory.base import Document
from osswatch.inventory.loaders import load_json
from osswatch.model import Component, EcosystemName, Location, Scope

NPM = EcosystemName("npm")

_RANK = {Scope.RUNTIME: 0, Scope.OPTIONAL: 1, Scope.DEV: 2}
# https://github.com/npm/validate-npm-package-name, loosely: old packages break the new rules
# (capitals, `~`), but a name is never empty, never has a space, and has at most a scope's `/`.
_NPM_NAME = re.compile(r"(?:@[^\s/@]+/)?[^\s/@][^\s/]*")
_GIT_PREFIXES = ("git+", "git:", "git@", "github:", "gitlab:", "bitbucket:", "gist:")
# Every JSON string in order, so a quote inside a string is never taken for the start of one;
# group 2 is set when the string is a key whose value is an object or array.
_JSON_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"(\s*:\s*[{\[])?')


def split_spec(spec: str) -> tuple[str, str]:
    """`name@rest` → (name, rest); the `@` of a scope (`@types/node@1`) is part of the name."""
    at = spec.find("@", 1)
    if at < 0:
        return spec, ""
    return spec[:at], spec[at + 1 :]


def path_segments(path: str) -> list[str]:
    """The package names along a `/`-joined path (`a/@s/b/c` → `a`, `@s/b`, `c`)."""
    parts = path.split("/")
    names: list[str] = []
    index = 0
    while index < len(parts):
        if parts[index].startswith("@") and index + 1 < len(parts):
            names.append(f"{parts[index]}/{parts[index + 1]}")
            index += 2
        else:
            names.append(parts[index])
            index += 1
    return [name for name in names if name]


def ref_of(name: str, version: str | None) -> str:
    """The ref of a component within its lockfile: `name@version` (just the name if unpinned)."""
    return name if version is None else f"{name}@{version}"


def is_git_source(spec: str) -> bool:
    """True when a version or resolution points at a git repository rather than the registry."""
    return spec.startswith(_GIT_PREFIXES) or ".git#" in spec or spec.endswith(".git")


def wider_scope(first: Scope, second: Scope) -> Scope:
    """The scope that installs more often: runtime over optional over dev."""
    return first if _RANK[first] <= _RANK[second] else second


@dataclass(slots=True)
class _Row:
    name: str
    version: str | None
    line: int | None
    scope: Scope
    is_direct: bool | None
    depends_on: dict[str, None] = field(default_factory=dict)


def _merge_direct(first: bool | None, second: bool | None) -> bool | None:
    if first is None:
        return second
    if second is None:
        return first
    return first or second


class ComponentTable:
    """Components keyed by (name, version): one package at several install paths is one row."""

    __slots__ = ("_document", "_rows")

    def __init__(self, document: Document) -> None:
        self._document = document
        self._rows: dict[str, _Row] = {}

    def add(
        self,
        name: str,
        version: str | None,
        *,
        line: int | None,
        scope: Scope = Scope.RUNTIME,
        is_direct: bool | None = None,
        depends_on: Iterable[str] = (),
    ) -> str:
        """Record one installed package (merged with an earlier one of the same version); its ref."""
        if _NPM_NAME.fullmatch(name) is None:
            raise self._document.error(f"not an npm package name: {name[:80]!r}", line=line)
        version = version or None
        ref = ref_of(name, version)
        row = self._rows.get(ref)
        if row is None:
            row = self._rows[ref] = _Row(name, version, line, scope, is_direct)
        else:
            row.scope = wider_scope(row.scope, scope)
            row.is_direct = _merge_direct(row.is_direct, is_direct)
        row.depends_on.update(dict.fromkeys(depends_on))
        return ref

    def __contains__(self, ref: object) -> bool:
        return ref in self._rows

    def add_edges(self, ref: str, depends_on: Iterable[str]) -> None:
        """Record dependencies of a row found after it was added."""
        self._rows[ref].depends_on.update(dict.fromkeys(depends_on))

    def set_direct(self, ref: str, is_direct: bool | None) -> None:
        """Overwrite whether a row is a direct dependency."""
        self._rows[ref].is_direct = is_direct

    def set_scope(self, ref: str, scope: Scope) -> None:
        """Overwrite a row's scope (after spreading scopes over the graph)."""
        self._rows[ref].scope = scope

    def refs(self) -> Iterator[str]:
        """Every ref recorded, in insertion order."""
        return iter(self._rows)

    def components(self) -> Iterator[Component]:
        """The rows as components; dependencies on refs that are not components are dropped."""
        for ref, row in self._rows.items():
            yield Component(
                name=row.name,
                version=row.version,
                ecosystem=NPM,
                purl=purl_for(NPM, row.name, row.version),
                location=Location(path=self._document.path, line=row.line),
                is_direct=row.is_direct,
                scope=row.scope,
                ref=ref,
                depends_on=tuple(d for d in row.depends_on if d in self._rows and d != ref),
            )


@dataclass(frozen=True, kw_only=True, slots=True)
class KeyLines:
    """Lines of the keys of a text, found in one pass: every occurrence, and the first, per key."""

    first: Mapping[str, int]
    positions: Mapping[str, list[int]]
    """Per key, the indexes (in text order among all keys) of its occurrences."""
    lines: tuple[int, ...]

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, int]]) -> KeyLines:
        """From (key, line) pairs in text order."""
        first: dict[str, int] = {}
        positions: dict[str, list[int]] = {}
        lines: list[int] = []
        for index, (key, line) in enumerate(pairs):
            first.setdefault(key, line)
            positions.setdefault(key, []).append(index)
            lines.append(line)
        return cls(first=first, positions=positions, lines=tuple(lines))

    def cursor(self) -> Callable[[str], int | None]:
        """A function giving the line of the next occurrence of a key, for a pre-order walk."""
        position = 0

        def next_line(key: str) -> int | None:
            nonlocal position
            found = self.positions.get(key)
            if not found:
                return None
            index = bisect_left(found, position)  # a binary search keeps the walk n·log n
            if index == len(found):
                return None
            position = found[index] + 1
            return self.lines[found[index]]

        return next_line


def json_object_keys(text: str) -> KeyLines:
    """The keys of a JSON text whose values are objects or arrays, with their 1-based lines."""

    def pairs() -> Iterator[tuple[str, int]]:
        line, last = 1, 0
        for match in _JSON_STRING.finditer(text):
            if match.group(2) is None:
                continue
            line += text.count("\n", last, match.start())
            last = match.start()
            key = match.group(1)
            if "\\" in key:
                try:
                    key = json.loads(f'"{key}"')
                except json.JSONDecodeError:
                    continue
            yield key, line

    return KeyLines.of(pairs())


def indented_keys(text: str, indent: int) -> KeyLines:
    """The YAML-style keys (`key:` or `key: value`) at exactly `indent` spaces, quotes removed."""
    pattern = re.compile(rf"^ {{{indent}}}([^ \n#][^\n]*?):(?:[ \t][^\n]*)?$", re.MULTILINE)

    def pairs() -> Iterator[tuple[str, int]]:
        line, last = 1, 0
        for match in pattern.finditer(text):
            line += text.count("\n", last, match.start())
            last = match.start()
            key = match.group(1)
            if len(key) >= 2 and key[0] == key[-1] and key[0] in "'\"":
                key = key[1:-1]
            yield key, line

    return KeyLines.of(pairs())


@dataclass(frozen=True, kw_only=True, slots=True)
class Declared:
    """A dependency a package.json asks for: its range and the section's scope."""

    range: str
    scope: Scope


_SECTIONS = (
    ("devDependencies", Scope.DEV),
    ("optionalDependencies", Scope.OPTIONAL),
    ("peerDependencies", Scope.RUNTIME),
    ("dependencies", Scope.RUNTIME),
)


def declared_dependencies(manifest: Fields) -> dict[str, Declared]:
    """What a package.json (or a lockfile's copy of one) declares, name → range and scope."""
    declared: dict[str, Declared] = {}
    for section, scope in _SECTIONS:  # later sections win: `dependencies` beats `devDependencies`
        table = manifest.opt_mapping(section)
        for name, wanted in table.items() if table is not None else ():
            declared[name] = Declared(range=wanted if isinstance(wanted, str) else "", scope=scope)
    return declared


def read_manifest(document: Document, name: str = "package.json") -> Fields | None:
    """A companion package.json, or None when there is none."""
    manifest = document.sibling(name)
    if manifest is None:
        return None
    return Fields(load_json(manifest), "", error=manifest.error)


def sibling_manifest(document: Document, name: str = "package.json") -> dict[str, Declared] | None:
    """The dependencies declared by a companion package.json, or None when there is none."""
    manifest = read_manifest(document, name)
    return None if manifest is None else declared_dependencies(manifest)


def propagate_scopes(
    roots: Iterable[tuple[str, Scope]],
    edges: Mapping[str, Iterable[str]],
    optional_edges: Mapping[str, Iterable[str]] | None = None,
) -> dict[str, Scope]:
    """The scope of every ref reachable from the direct dependencies: runtime where a runtime
    path reaches it, else optional, else dev. Three breadth-first passes: linear in the graph."""
    optional_edges = optional_edges or {}
    found: dict[str, Scope] = {}
    by_scope: dict[Scope, list[str]] = {Scope.RUNTIME: [], Scope.OPTIONAL: [], Scope.DEV: []}
    for ref, scope in roots:
        by_scope[scope].append(ref)
    _reach(found, by_scope[Scope.RUNTIME], Scope.RUNTIME, (edges,))
    runtime = [ref for ref, scope in found.items() if scope is Scope.RUNTIME]
    via_optional = [child for ref in runtime for child in optional_edges.get(ref, ())]
    both = (edges, optional_edges)
    _reach(found, by_scope[Scope.OPTIONAL] + via_optional, Scope.OPTIONAL, both)
    _reach(found, by_scope[Scope.DEV], Scope.DEV, both)
    return found


def _reach(
    found: dict[str, Scope],
    start: list[str],
    scope: Scope,
    graphs: tuple[Mapping[str, Iterable[str]], ...],
) -> None:
    queue = [ref for ref in start if ref not in found]
    for ref in queue:
        found.setdefault(ref, scope)
    while queue:
        ref = queue.pop()
        for graph in graphs:
            for child in graph.get(ref, ()):
                if child not in found:
                    found[child] = scope
                    queue.append(child)


def entry_fields(document: Document, data: object, context: str, line: int | None) -> Fields:
    """Typed access to one lockfile entry, with errors naming its key path and line."""

    def error(message: str) -> ParseError:
        return document.error(message, line=line)

    return Fields(data, context, error=error)
