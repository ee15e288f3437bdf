"""npm's `package-lock.json` and `npm-shrinkwrap.json`, lockfile versions 1, 2 and 3.

Spec: https://docs.npmjs.com/cli/v10/configuring-npm/package-lock-json. Versions 2 and 3 key
`packages` by install path (`node_modules/a/node_modules/b`); the `""` entry is the project, and
folders outside `node_modules` (and `link: true` entries pointing at them) are its workspaces —
the project's own code, not components. An entry whose `name` differs from its folder is an alias:
the real package is `name`. Version 1 nests a `dependencies` tree instead, and says nothing of
what the project asks for directly, so that comes from the sibling `package.json`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from osswatch.fields import Fields
from osswatch.inventory.base import Document, single_file_inventory
from osswatch.inventory.loaders import load_json
from osswatch.inventory.npm_common import (
    ComponentTable,
    Declared,
    KeyLines,
    declared_dependencies,
    entry_fields,
    is_git_source,
    json_object_keys,
    sibling_manifest,
    split_spec,
)
from osswatch.model import Inventory, Scope

_NODE_MODULES = "node_modules/"
_NESTED = "/node_modules/"


def _scope_of(entry: Fields) -> Scope:
    # `dev` (with or without `optional`) means only development installs have it; `devOptional`
    # means an optional dependency of production code too, so a production install may have it.
    if entry.opt_bool("dev"):
        return Scope.DEV
    if entry.opt_bool("optional") or entry.opt_bool("devOptional"):
        return Scope.OPTIONAL
    return Scope.RUNTIME


def _folder_name(path: str) -> str:
    """The package folder a `packages` key ends in (`node_modules/@a/b` → `@a/b`)."""
    cut = path.rfind(_NESTED)
    return path[cut + len(_NESTED) :] if cut >= 0 else path.removeprefix(_NODE_MODULES)


def _parent_path(path: str) -> str:
    """The install path whose `node_modules` holds this one (`""` for the project)."""
    cut = path.rfind(_NESTED)
    return path[:cut] if cut >= 0 else ""


def _is_installed_package(path: str) -> bool:
    return path.startswith(_NODE_MODULES) or _NESTED in path


@dataclass(frozen=True, kw_only=True, slots=True)
class _Installed:
    path: str
    entry: Fields
    line: int | None
    name: str
    version: str | None


class _PackagesReader:
    """Lockfile versions 2 and 3: the flat `packages` table keyed by install path."""

    def __init__(self, document: Document, packages: Fields, lines: KeyLines) -> None:
        self.document = document
        self.packages = packages
        self.lines = lines
        self.declared = self._declared_by_folder()
        self.hoisted = {name for names in self.declared.values() for name in names}
        self.installed = {item.path: item for item in self._installed()}

    def _declared_by_folder(self) -> dict[str, set[str]]:
        declared: dict[str, set[str]] = {}
        for path, raw in self.packages.items():
            if not _is_installed_package(path):
                entry = entry_fields(self.document, raw, f"packages.{path}", self.lines.first.get(path))
                declared[path] = set(declared_dependencies(entry))
        return declared

    def _installed(self) -> Iterator[_Installed]:
        for path, raw in self.packages.items():
            if not _is_installed_package(path):
                continue
            line = self.lines.first.get(path)
            entry = entry_fields(self.document, raw, f"packages.{path}", line)
            if entry.opt_bool("link"):
                continue  # a symlink to a workspace folder: the project's own code
            name = entry.opt_str("name") or _folder_name(path)
            version = entry.opt_str("version")
            if is_git_source(entry.opt_str("resolved") or ""):
                version = None  # a git checkout: its package.json version is not a registry one
            yield _Installed(path=path, entry=entry, line=line, name=name, version=version)

    def _resolve(self, path: str, dependency: str) -> _Installed | None:
        """Node's lookup: the nearest `node_modules/<dependency>` at or above `path`."""
        folder = path
        while True:
            prefix = f"{folder}/" if folder else ""
            found = self.installed.get(f"{prefix}{_NODE_MODULES}{dependency}")
            if found is not None or folder == "":
                return found
            folder = _parent_path(folder)

    def _is_direct(self, item: _Installed) -> bool:
        parent = _parent_path(item.path)
        names = self.hoisted if parent == "" else self.declared.get(parent, set())
        return _folder_name(item.path) in names

    def _depends_on(self, item: _Installed) -> Iterator[str]:
        for section in ("dependencies", "optionalDependencies"):
            table = item.entry.opt_mapping(section)
            for dependency, _wanted in table.items() if table is not None else ():
                found = self._resolve(item.path, dependency)
                if found is not None:
                    yield f"{found.name}@{found.version}" if found.version else found.name

    def fill(self, table: ComponentTable) -> None:
        """Add every installed package to the table."""
        for item in self.installed.values():
            table.add(
                item.name,
                item.version,
                line=item.line,
                scope=_scope_of(item.entry),
                is_direct=self._is_direct(item),
                depends_on=self._depends_on(item),
            )


@dataclass(frozen=True, kw_only=True, slots=True)
class _Frame:
    """One level of the version 1 tree: its packages by name (ref) and the level above."""

    refs: dict[str, str]
    parent: _Frame | None


def _v1_name_version(name: str, version: str) -> tuple[str, str | None] | None:
    """The real package and version of a version 1 entry; None for the project's own folders."""
    if version.startswith(("file:", "link:")):
        return None
    if version.startswith("npm:"):  # an alias: `"version": "npm:real@1.2.3"`
        real, pinned = split_spec(version.removeprefix("npm:"))
        return real, pinned or None
    if is_git_source(version) or "://" in version:
        return name, None
    return name, version


def _children(holder: Fields) -> Iterator[tuple[str, Any]]:
    children = holder.opt_mapping("dependencies")
    return children.items() if children is not None else iter(())


class _TreeReader:
    """Lockfile version 1: the nested `dependencies` tree, walked without recursion."""

    def __init__(self, document: Document, lines: KeyLines, manifest: dict[str, Declared] | None) -> None:
        self.document = document
        self.next_line: Callable[[str], int | None] = lines.cursor()
        self.manifest = manifest

    def fill(self, table: ComponentTable, root: Fields) -> None:
        """Add every package of the tree, in document order so the line cursor stays in step."""
        requires: list[tuple[str, Fields, _Frame]] = []
        top = _Frame(refs={}, parent=None)
        stack = [(_children(root), "dependencies", top)]
        while stack:
            children, context, frame = stack[-1]
            item = next(children, None)
            if item is None:
                stack.pop()
                continue
            name, raw = item
            line = self.next_line(name)
            entry = entry_fields(self.document, raw, f"{context}.{name}", line)
            ref = self._add(table, name, entry, line, is_top=frame is top)
            own = _Frame(refs={}, parent=frame)
            if ref is not None:
                frame.refs[name] = ref
                requires.append((ref, entry, own))
            stack.append((_children(entry), f"{context}.{name}.dependencies", own))
        for ref, entry, own in requires:
            table.add_edges(ref, self._required(entry, own))

    def _add(
        self, table: ComponentTable, name: str, entry: Fields, line: int | None, *, is_top: bool
    ) -> str | None:
        identity = _v1_name_version(name, entry.str("version"))
        if identity is None:
            return None
        is_direct: bool | None = False
        if is_top:
            is_direct = None if self.manifest is None else name in self.manifest
        return table.add(*identity, line=line, scope=_scope_of(entry), is_direct=is_direct)

    @staticmethod
    def _required(entry: Fields, own: _Frame) -> Iterator[str]:
        requires = entry.opt_mapping("requires")
        for name, _wanted in requires.items() if requires is not None else ():
            frame: _Frame | None = own
            while frame is not None:
                if name in frame.refs:
                    yield frame.refs[name]
                    break
                frame = frame.parent


class NpmLockParser:
    """Reads package-lock.json and npm-shrinkwrap.json (lockfile versions 1, 2 and 3)."""

    kind = "package-lock.json"

    def parse(self, document: Document) -> Inventory:
        """Every package the lockfile installs, the project's own workspaces left out."""
        data: Any = load_json(document)
        top = Fields(data, "", error=document.error)
        version = top.raw("lockfileVersion")
        if version not in (1, 2, 3):
            raise document.error(f"unsupported lockfileVersion {version!r} (npm writes 1, 2 or 3)")
        lines = json_object_keys(document.text())
        table = ComponentTable(document)
        packages = top.opt_mapping("packages")
        if packages is not None:
            _PackagesReader(document, packages, lines).fill(table)
        else:
            _TreeReader(document, lines, sibling_manifest(document)).fill(table, top)
        return single_file_inventory(document, self.kind, table.components())
