"""Bun's text lockfile `bun.lock` (Bun 1.1.39+; the binary `bun.lockb` is not read).

Format: https://bun.sh/docs/install/lockfile and Bun's `BunLockFile` type
(https://bun.sh/reference/bun/BunLockFile). It is JSON with trailing commas (JSONC). `workspaces`
maps each project folder (`""` for the root) to what its package.json declares; `packages` maps an
install path (`react`, or `parent/react` for a second copy nested under `parent`) to an array whose
first item is the resolution:

    npm        ["name@1.2.3", registry, INFO, integrity]
    git/github ["name@github:user/repo#sha", INFO, tag]      tarball ["name@https://…", INFO]
    workspace  ["name@workspace:packages/a"]                  folder/link ["name@file:…"|"name@link:…", INFO]

`workspace:`, `file:`, `link:` and `root:` resolutions are the project's own code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from osswatch.fields import Fields
from osswatch.inventory.base import Document, single_file_inventory
from osswatch.inventory.loaders import load_json
from osswatch.inventory.npm_common import (
    ComponentTable,
    declared_dependencies,
    json_object_keys,
    path_segments,
    propagate_scopes,
    split_spec,
)
from osswatch.model import Inventory, Scope

_LOCAL = ("workspace:", "file:", "link:", "root:")
# Strings are matched whole so a `//` or `,]` inside one is left alone; comments become spaces
# and trailing commas vanish, keeping every newline so JSON errors keep their line numbers.
_JSONC = re.compile(r'"(?:[^"\\\n]|\\.)*"|//[^\n]*|/\*.*?\*/|,(\s*[}\]])', re.DOTALL)


def _strip_jsonc(match: re.Match[str]) -> str:
    token = match.group(0)
    if token.startswith('"'):
        return token
    if match.group(1) is not None:
        return match.group(1)
    return re.sub(r"[^\n]", " ", token)


class _Packages:
    """The `packages` table: refs by install path, and Bun's nearest-copy lookup."""

    def __init__(self, document: Document, packages: Fields) -> None:
        self.document = document
        self.packages = packages
        self.ref_by_path: dict[str, str] = {}
        self.info: dict[str, Fields] = {}

    def fill(self, table: ComponentTable) -> None:
        """Add every third-party package to the table."""
        next_line = json_object_keys(self.document.text()).cursor()
        for path, raw in self.packages.items():
            line = next_line(path)
            ref = self._add(table, path, raw, line)
            if ref is not None:
                self.ref_by_path[path] = ref

    def _add(self, table: ComponentTable, path: str, raw: Any, line: int | None) -> str | None:
        context = f"packages.{path}"
        if not isinstance(raw, list) or not raw or not isinstance(raw[0], str):
            raise self.document.error(f"'{context}' should be a list starting with a string", line=line)
        name, resolution = split_spec(raw[0])
        if not name or not resolution:
            raise self.document.error(f"'{context}[0]' should be name@resolution", line=line)
        if resolution.startswith(_LOCAL):
            return None
        info = next((item for item in raw[1:] if isinstance(item, Mapping)), {})
        self.info[path] = Fields(info, context, error=self.document.error)
        is_registry = len(raw) >= 3 and isinstance(raw[1], str) and isinstance(raw[2], Mapping)
        version = resolution if is_registry and ":" not in resolution else None
        return table.add(name, version, line=line)

    def resolve(self, from_path: str, name: str) -> str | None:
        """The copy of `name` that code at `from_path` gets: the nearest nested one, else the top."""
        names = path_segments(from_path) if from_path else []
        while names:
            found = self.ref_by_path.get("/".join([*names, name]))
            if found is not None:
                return found
            names.pop()
        return self.ref_by_path.get(name)

    def edges(self, section: str) -> dict[str, list[str]]:
        """Per ref, the refs its `section` dependencies resolve to."""
        edges: dict[str, list[str]] = {}
        for path, info in self.info.items():
            deps = info.opt_mapping(section)
            children = (self.resolve(path, name) for name, _ in deps.items()) if deps else ()
            found = [child for child in children if child is not None]
            edges.setdefault(self.ref_by_path[path], []).extend(found)
        return edges


def _roots(document: Document, workspaces: Fields, packages: _Packages) -> Iterator[tuple[str, Scope]]:
    for folder, raw in workspaces.items():
        workspace = Fields(raw, f"workspaces.{folder}", error=document.error)
        prefix = workspace.opt_str("name") or ""
        for name, declared in declared_dependencies(workspace).items():
            ref = packages.resolve(prefix, name)
            if ref is not None:
                yield ref, declared.scope


class BunLockParser:
    """Reads bun.lock, Bun's text lockfile."""

    kind = "bun.lock"

    def parse(self, document: Document) -> Inventory:
        """Every package the lockfile installs, the project's own workspaces left out."""
        text = _JSONC.sub(_strip_jsonc, document.text())
        plain = Document(path=document.path, data=text.encode(), read_sibling=document.read_sibling)
        top = Fields(load_json(plain), "", error=document.error)
        if top.opt_int("lockfileVersion") is None:
            raise document.error("missing 'lockfileVersion' in '<top>'")
        packages = _Packages(plain, top.mapping("packages"))
        table = ComponentTable(document)
        packages.fill(table)
        edges = packages.edges("dependencies")
        optional_edges = packages.edges("optionalDependencies")
        for ref in list(table.refs()):
            table.add_edges(ref, edges.get(ref, []) + optional_edges.get(ref, []))
        roots = list(_roots(document, top.mapping("workspaces"), packages))
        direct = {ref for ref, _scope in roots}
        scopes = propagate_scopes(roots, edges, optional_edges)
        for ref in list(table.refs()):
            table.set_direct(ref, ref in direct)
            table.set_scope(ref, scopes.get(ref, Scope.RUNTIME))
        return single_file_inventory(document, self.kind, table.components())
