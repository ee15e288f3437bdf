"""Where keys are in a policy file's text, so semantic errors can name a line.

`tomllib` and the YAML loader give no positions for the values they return, so the text is scanned
separately: for TOML, table headers (`[a.b]`, `[[a.b]]` counted per array) and `key = value` lines
(inline-table keys get the line of their table); for YAML, the parser's event stream with its marks.
A path is written like the error messages write it: `policy.rules[2].when.severity`.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)
_INLINE_KEY = re.compile(r"""[{,]\s*([A-Za-z0-9_-]+|"[^"]*")\s*=""")
_LAST_SEGMENT = re.compile(r"(?:\.[^.\[\]]+|\[\d+\])$")


def join(path: str, key: str) -> str:
    """`path.key`, or `key` at the top."""
    return f"{path}.{key}" if path else key


def _parts(dotted: str) -> list[str]:
    return [p.strip().strip("\"'") for p in re.split(r"\.(?=(?:[^\"']*[\"'][^\"']*[\"'])*[^\"']*$)", dotted)]


class _TomlScan:
    """The state of a line-by-line TOML scan."""

    def __init__(self) -> None:
        self.lines: dict[str, int] = {}
        self.arrays: dict[str, int] = {}
        self.table = ""

    def _resolve(self, parts: list[str]) -> str:
        path = ""
        for part in parts:
            path = join(path, part)
            if path in self.arrays:
                path = f"{path}[{self.arrays[path] - 1}]"
        return path

    def header(self, brackets: str, dotted: str, number: int) -> None:
        parts = _parts(dotted)
        if brackets == "[[":
            array = join(self._resolve(parts[:-1]), parts[-1])
            self.arrays[array] = self.arrays.get(array, 0) + 1
            self.table = f"{array}[{self.arrays[array] - 1}]"
        else:
            self.table = self._resolve(parts)
        self.lines.setdefault(self.table, number)

    def key(self, dotted: str, rest: str, number: int) -> None:
        path = self.table
        for part in _parts(dotted):
            path = join(path, part)
            self.lines.setdefault(path, number)
        for inner in _INLINE_KEY.findall(rest):
            self.lines.setdefault(join(path, inner.strip('"')), number)


def toml_lines(text: str) -> dict[str, int]:
    """The 1-based line of each table and key path in a TOML text."""
    scan = _TomlScan()
    in_string = False
    for number, line in enumerate(text.splitlines(), start=1):
        quotes = line.count('"""') + line.count("'''")
        if in_string:
            in_string = quotes % 2 == 0
            continue
        if found := _HEADER.match(line):
            scan.header(found.group(1), found.group(2), number)
        elif found := _KEY.match(line):
            scan.key(found.group(1), line[found.end() :], number)
        in_string = quotes % 2 == 1
    return scan.lines


def yaml_lines(text: str) -> dict[str, int]:
    """The 1-based line of each key path (and list item) in a YAML text; partial if it is malformed."""
    lines: dict[str, int] = {}
    stack: list[list[Any]] = []  # [is_mapping, path, key or index, expecting a key]
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            _yaml_event(event, stack, lines)
    except yaml.YAMLError:
        pass  # the loader reports syntax errors itself; keep what was located
    return lines


def _child(stack: list[list[Any]]) -> str:
    is_mapping, path, slot, _ = stack[-1]
    return join(path, str(slot)) if is_mapping else f"{path}[{slot}]"


def _advance(stack: list[list[Any]]) -> None:
    if stack:
        if stack[-1][0]:
            stack[-1][3] = True
        else:
            stack[-1][2] += 1


def _yaml_event(event: yaml.Event, stack: list[list[Any]], lines: dict[str, int]) -> None:
    line = event.start_mark.line + 1 if event.start_mark else 0
    if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
        path = _child(stack) if stack else ""
        if stack:
            lines.setdefault(path, line)
        stack.append([isinstance(event, yaml.MappingStartEvent), path, 0, True])
    elif isinstance(event, yaml.ScalarEvent) and stack and stack[-1][0] and stack[-1][3]:
        stack[-1][2], stack[-1][3] = event.value, False
        lines.setdefault(_child(stack), line)
    elif isinstance(event, yaml.ScalarEvent | yaml.AliasEvent):
        _advance(stack)
    elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
        stack.pop()
        _advance(stack)


def line_of(lines: dict[str, int], path: str) -> int | None:
    """The line of `path`, or of its nearest located parent; None when nothing is known."""
    while path:
        if path in lines:
            return lines[path]
        trimmed = _LAST_SEGMENT.sub("", path)
        if trimmed == path:
            break
        path = trimmed
    return None


__all__ = ["join", "line_of", "toml_lines", "yaml_lines"]
