"""What the Python lockfile parsers share: PyPI components, entry lines, direct deps from pyproject.

Lockfiles for Python pin versions but mostly do not say which packages the project asked for,
nor (poetry.lock 2.0, uv.lock) in which group; `pyproject.toml` says that for the direct ones
and `scopes_by_reachability` carries it to the rest along the dependency graph.
"""

from __future__ import annotations

import itertools
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from osswatch.ecosystems.identity import normalize_name, purl_for
from osswatch.fields import Fields
from osswatch.inventory.base import Document
from osswatch.inventory.loaders import load_toml
from osswatch.inventory.registry import entry_by_kind
from osswatch.model import Component, EcosystemName, Location, Scope

PYPI = EcosystemName("PyPI")

# PEP 508 names: https://peps.python.org/pep-0508/#names (the start of a dependency string).
_NAME = re.compile(r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")
_VALID_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")
_SCOPE_ORDER = (Scope.RUNTIME, Scope.OPTIONAL, Scope.DEV)


def claims(kind: str, filename: str) -> bool:
    """True when the registry entry of `kind` claims this file name (for `InventoryParser.matches`)."""
    entry = entry_by_kind(kind)
    return entry is not None and entry.claims_by_name(filename)


def package_ref(name: str, version: str | None) -> str:
    """The stable key of a locked package: its normalized name and version (`requests@2.31.0`)."""
    normalized = normalize_name(PYPI, name)
    return normalized if version is None else f"{normalized}@{version}"


def pypi_component(
    *,
    name: str,
    version: str | None,
    location: Location,
    is_direct: bool | None = None,
    scope: Scope = Scope.RUNTIME,
    hashes: Iterable[str] = (),
    depends_on: Iterable[str] = (),
) -> Component:
    """A PyPI component with a normalized name, a purl, and `package_ref` as its ref."""
    normalized = normalize_name(PYPI, name)
    return Component(
        name=normalized,
        version=version,
        ecosystem=PYPI,
        purl=purl_for(PYPI, normalized, version),
        location=location,
        is_direct=is_direct,
        scope=scope,
        hashes=tuple(hashes),
        ref=package_ref(name, version),
        depends_on=tuple(depends_on),
    )


def is_valid_name(name: str) -> bool:
    """True for a valid PEP 508 project name."""
    return _VALID_NAME.fullmatch(name) is not None


def checked_name(name: str, error: Callable[[str], Exception]) -> str:
    """The name if it is a valid PEP 508 name, else the error (a lock entry that cannot be a package)."""
    if not is_valid_name(name):
        raise error(f"invalid package name {name!r}")
    return name


def requirement_name(text: str) -> str | None:
    """The normalized name at the start of a PEP 508 dependency string, None if there is none."""
    found = _NAME.match(text)
    return normalize_name(PYPI, found.group(1)) if found else None


def table_lines(text: str, header: str) -> list[int]:
    """1-based lines of each `[[header]]` array-of-tables header, in order (a cheap line index)."""
    pattern = re.compile(rf"^[ \t]*\[\[[ \t]*{re.escape(header)}[ \t]*\]\]")
    return [number for number, line in enumerate(text.splitlines(), 1) if pattern.match(line)]


def locked_entries(
    document: Document, data: Mapping[str, Any], key: str
) -> Iterator[tuple[Fields, int | None]]:
    """Each table of the top-level array `key` (with a valid `name`) and the line its header is on."""
    top = Fields(data, "", error=document.error)
    items = top.list(key)
    lines: Sequence[int | None] = table_lines(document.text(), key)
    if len(lines) != len(items):
        # Inline arrays (`package = [{…}]`) have no headers: no line rather than a wrong one.
        lines = [None] * len(items)
    for index, (item, line) in enumerate(zip(items, lines, strict=True)):
        context = f"{key}[{index}]"
        error = error_at(document, line)
        fields = Fields(item, context, error=error)
        checked_name(fields.str("name"), error)
        yield fields, line


def error_at(document: Document, line: int | None) -> Callable[[str], Exception]:
    """An error factory for `Fields` that names this document and line."""

    def error(message: str) -> Exception:
        return document.error(message, line=line)

    return error


def refs_by_name(refs: Iterable[str]) -> dict[str, list[str]]:
    """The refs of locked packages grouped by normalized name (a name may be locked at two versions)."""
    grouped: dict[str, list[str]] = {}
    for ref in refs:
        grouped.setdefault(ref.partition("@")[0], []).append(ref)
    return grouped


def scopes_by_reachability(
    roots: Mapping[Scope, Iterable[str]], edges: Mapping[str, Iterable[str]]
) -> dict[str, Scope]:
    """The scope of every ref reachable from the direct ones: runtime wins over optional over dev."""
    scopes: dict[str, Scope] = {}
    for scope in _SCOPE_ORDER:
        queue = deque(ref for ref in roots.get(scope, ()) if ref not in scopes)
        while queue:
            ref = queue.popleft()
            if ref in scopes:
                continue
            scopes[ref] = scope
            queue.extend(dep for dep in edges.get(ref, ()) if dep not in scopes)
    return scopes


def _names(requirements: Iterable[object]) -> Iterator[str]:
    for requirement in requirements:
        if isinstance(requirement, str) and (name := requirement_name(requirement)) is not None:
            yield name


def _string_lists(table: object) -> Iterator[Iterable[object]]:
    if isinstance(table, Mapping):
        yield from (value for value in table.values() if isinstance(value, list))


def _poetry_table(table: object) -> Iterator[tuple[str, bool]]:
    """(normalized name, is optional) of a `[tool.poetry.*dependencies]` table, without `python`."""
    if not isinstance(table, Mapping):
        return
    for name, spec in table.items():
        if name.lower() != "python":
            is_optional = isinstance(spec, Mapping) and spec.get("optional") is True
            yield normalize_name(PYPI, name), is_optional


def _mapping(data: object, *keys: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        return {}
    for key in keys:
        value = data.get(key)
        data = value if isinstance(value, Mapping) else {}
    return data


def _standard_declared(data: Mapping[str, Any]) -> Iterator[tuple[str, Scope]]:
    project = _mapping(data, "project")
    dependencies = project.get("dependencies")
    yield from (
        (name, Scope.RUNTIME) for name in _names(dependencies if isinstance(dependencies, list) else ())
    )
    for extra in _string_lists(project.get("optional-dependencies")):
        yield from ((name, Scope.OPTIONAL) for name in _names(extra))
    dev_tables = (data.get("dependency-groups"), _mapping(data, "tool", "pdm").get("dev-dependencies"))
    for table in dev_tables:
        for group in _string_lists(table):
            yield from ((name, Scope.DEV) for name in _names(group))
    uv_dev = _mapping(data, "tool", "uv").get("dev-dependencies")
    yield from ((name, Scope.DEV) for name in _names(uv_dev if isinstance(uv_dev, list) else ()))


def _poetry_declared(data: Mapping[str, Any]) -> Iterator[tuple[str, Scope]]:
    poetry = _mapping(data, "tool", "poetry")
    for name, is_optional in _poetry_table(poetry.get("dependencies")):
        yield name, Scope.OPTIONAL if is_optional else Scope.RUNTIME
    groups = [poetry.get("dev-dependencies")]
    groups += [_mapping(group, "dependencies") for group in _mapping(poetry, "group").values()]
    for table in groups:
        yield from ((name, Scope.DEV) for name, _ in _poetry_table(table))


def pyproject_direct(document: Document) -> dict[str, Scope] | None:
    """Direct dependencies declared in the sibling `pyproject.toml` (name → scope); None without one.

    Reads PEP 621 `[project]`, PEP 735 `[dependency-groups]`, and Poetry, PDM and uv tables. A name
    declared in several places gets the widest scope (runtime over optional over dev).
    """
    sibling = document.sibling("pyproject.toml")
    if sibling is None:
        return None
    declared: dict[str, Scope] = {}
    data = load_toml(sibling)
    for name, scope in itertools.chain(_standard_declared(data), _poetry_declared(data)):
        current = declared.get(name)
        if current is None or _SCOPE_ORDER.index(scope) < _SCOPE_ORDER.index(current):
            declared[name] = scope
    return declared


def roots_by_scope(direct: Mapping[str, Scope], refs: Iterable[str]) -> dict[Scope, list[str]]:
    """The locked refs of the direct dependencies, grouped by their declared scope."""
    by_name = refs_by_name(refs)
    roots: dict[Scope, list[str]] = {}
    for name, scope in direct.items():
        roots.setdefault(scope, []).extend(by_name.get(name, ()))
    return roots
