"""Pipfile.lock: the JSON that pipenv writes, with `default` (runtime) and `develop` (dev) sections.

Each entry maps a name to `{"version": "==1.2.3", "hashes": […], "markers": …}`, or to a VCS or path
source (`{"git": …, "ref": …}`, `{"path": ".", "editable": true}`) without a version: those are kept
unpinned. Which packages are direct is read from the sibling `Pipfile` (`[packages]`,
`[dev-packages]`) when there is one. pipenv writes the JSON with a four-space indent, which lets the
line of each entry be found cheaply; other layouts get no line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from osswatch.ecosystems.identity import normalize_name
from osswatch.fields import Fields
from osswatch.inventory.base import Document, single_file_inventory
from osswatch.inventory.loaders import load_json, load_toml
from osswatch.inventory.python_common import PYPI, checked_name, error_at, pypi_component
from osswatch.model import Component, Inventory, Location, Scope

KIND = "Pipfile.lock"
_SECTIONS = (("default", "packages", Scope.RUNTIME), ("develop", "dev-packages", Scope.DEV))
_SECTION_LINE = re.compile(r'^ {4}"([^"\\]+)": \{')
_ENTRY_LINE = re.compile(r'^ {8}"((?:[^"\\]|\\.)+)": \{')


def _entry_lines(text: str) -> dict[tuple[str, str], int]:
    """(section, name) → 1-based line, from pipenv's indented layout."""
    lines: dict[tuple[str, str], int] = {}
    section = ""
    for number, line in enumerate(text.splitlines(), 1):
        if found := _SECTION_LINE.match(line):
            section = found.group(1)
        elif section and (found := _ENTRY_LINE.match(line)):
            lines.setdefault((section, found.group(1)), number)
    return lines


def _pinned(version: str | None) -> str | None:
    """The version of an exact `==` / `===` pin; None for anything else (`*`, ranges, absent)."""
    if version is None:
        return None
    for operator in ("===", "=="):
        if version.startswith(operator):
            pinned = version[len(operator) :].strip()
            return pinned if pinned and "*" not in pinned else None
    return None


def _direct(document: Document) -> dict[str, set[str]] | None:
    """Normalized names declared in the sibling Pipfile, per lock section; None without a Pipfile."""
    pipfile = document.sibling("Pipfile")
    if pipfile is None:
        return None
    top = Fields(load_toml(pipfile), "", error=pipfile.error)
    declared: dict[str, set[str]] = {}
    for section, table, _scope in _SECTIONS:
        names = top.opt_mapping(table)
        declared[section] = {normalize_name(PYPI, n) for n, _ in names.items()} if names else set()
    return declared


@dataclass(frozen=True, kw_only=True, slots=True)
class _Context:
    """What every entry needs: the document, entry lines, and the Pipfile's direct names."""

    document: Document
    lines: dict[tuple[str, str], int]
    direct: dict[str, set[str]] | None


def _section(context: _Context, top: Fields, section: str, scope: Scope) -> Iterator[Component]:
    entries = top.opt_mapping(section)
    if entries is None:
        return
    document, direct = context.document, context.direct
    for name, _value in entries.items():
        line = context.lines.get((section, name))
        error = error_at(document, line)
        entry = Fields(entries.raw(name), f"{section}.{checked_name(name, error)}", error=error)
        hashes = [value for value in entry.list("hashes") if isinstance(value, str)]
        yield pypi_component(
            name=name,
            version=_pinned(entry.opt_str("version")),
            location=Location(path=document.path, line=line),
            is_direct=None if direct is None else normalize_name(PYPI, name) in direct[section],
            scope=scope,
            hashes=hashes,
        )


class PipfileLockParser:
    """Reads Pipfile.lock."""

    kind = KIND

    def parse(self, document: Document) -> Inventory:
        """Every entry of `default` and `develop`; VCS and path entries unpinned."""
        top = Fields(load_json(document), "", error=document.error)
        context = _Context(document=document, lines=_entry_lines(document.text()), direct=_direct(document))
        components = [c for section, _, scope in _SECTIONS for c in _section(context, top, section, scope)]
        return single_file_inventory(document, KIND, components)
