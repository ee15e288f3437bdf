"""requirements.txt: pip's requirements file format.

Follows https://pip.pypa.io/en/stable/reference/requirements-file-format/: `\\` joins lines, `#`
at a line start or after whitespace starts a comment, options start with `-`. `name==version` (or
`===`) is pinned; every other requirement — ranges, `name @ url`, `-e`, bare URLs, VCS and local
paths — is kept unpinned, named when the line names it (`#egg=`, a wheel file name) and
unidentified otherwise. `-r` includes are read through `Document.sibling`, never outside the first
file's folder and never twice; a cycle, an escape or a missing file becomes a Problem. `-c`
constraint files add no components and are not read.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from packaging.requirements import InvalidRequirement, Requirement

from osswatch.inventory.base import Document, single_file_inventory
from osswatch.inventory.python_common import error_at, is_valid_name, pypi_component
from osswatch.model import Component, Inventory, Location, Problem

KIND = "requirements.txt"
MAX_INCLUDE_DEPTH = 32
"""Deepest `-r` chain followed; real projects nest two or three."""

_COMMENT = re.compile(r"(^|\s+)#.*$")
_OPTION_START = re.compile(r"(?:^|\s)-{1,2}[A-Za-z]")
_INCLUDE = {"-r": "-r", "--requirement": "-r", "-c": "-c", "--constraint": "-c"}
_VALUED = {**_INCLUDE, "-e": "-e", "--editable": "-e", "--hash": "--hash"}
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")
_URL_OR_PATH = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|\.|/|~)|[/\\]|\.(?:whl|zip|tar\.gz|tgz|tar\.bz2)$")


@dataclass(frozen=True, kw_only=True, slots=True)
class _Line:
    """A logical line: continuations joined, comment removed, with the line it starts on."""

    number: int
    text: str


def _uncommented(line: str) -> str:
    return (_COMMENT.sub("", line) if "#" in line else line).strip()


def logical_lines(text: str) -> Iterator[_Line]:
    """The non-blank logical lines of a requirements file."""
    start, parts = 0, list[str]()
    for number, raw in enumerate(text.splitlines(), 1):
        if not parts:
            start = number
        if raw.endswith("\\") and not _COMMENT.match(raw):
            parts.append(raw[:-1])
            continue
        parts.append(raw)
        joined = _uncommented("".join(parts))
        parts = []
        if joined:
            yield _Line(number=start, text=joined)
    if parts and (joined := _uncommented("".join(parts))):
        yield _Line(number=start, text=joined)


def _options(text: str, error: Callable[[str], Exception]) -> list[tuple[str, str]]:
    """(canonical option, value) pairs of the options we act on; others are skipped."""
    try:
        # shlex is slow (half the time of a hashed file); quotes are rare in options.
        tokens = shlex.split(text) if "'" in text or '"' in text or "\\" in text else text.split()
    except ValueError as e:
        raise error(f"cannot split options: {e}") from e
    found: list[tuple[str, str]] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        option, equals, value = token.partition("=")
        if option in _VALUED and not equals:
            if index >= len(tokens):
                raise error(f"option {option} needs a value")
            value, index = tokens[index], index + 1
        elif token[:2] in ("-r", "-c", "-e") and len(token) > 2 and not token.startswith("--"):
            option, value = token[:2], token[2:]
        if option in _VALUED:
            found.append((_VALUED[option], value))
    return found


def _name_of_location(location: str) -> str | None:
    """The project name a URL or path states (`#egg=name`, a wheel file name), None if none."""
    if found := _EGG.search(location):
        return found.group(1)
    filename = location.split("#", 1)[0].split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    # Wheel names escape `-` in the name as `_` (PEP 427), so the first field is the name.
    name = filename.split("-", 1)[0] if filename.endswith(".whl") and "-" in filename else ""
    return name if is_valid_name(name) else None


def _unpinned(location: str, where: Location) -> Component:
    """A URL, VCS, path or editable requirement: named when the line says the name."""
    name = _name_of_location(location)
    if name is not None:
        return pypi_component(name=name, version=None, location=where)
    return Component(name=location, version=None, ecosystem=None, purl=None, location=where, ref=location)


def _pin(requirement: Requirement) -> str | None:
    """The exact version of a `==`/`===` requirement without wildcards, else None."""
    specifiers = list(requirement.specifier)
    if requirement.url or len(specifiers) != 1:
        return None
    only = specifiers[0]
    is_exact = only.operator in ("==", "===") and only.version and "*" not in only.version
    return only.version if is_exact else None


def _requirement(
    text: str, hashes: list[str], where: Location, error: Callable[[str], Exception]
) -> Component:
    try:
        requirement = Requirement(text)
    except InvalidRequirement as e:
        if _URL_OR_PATH.search(text.split(";", 1)[0].strip()):
            return _unpinned(text.split(";", 1)[0].strip(), where)
        raise error(f"invalid requirement {text!r}: {e}") from e
    return pypi_component(name=requirement.name, version=_pin(requirement), location=where, hashes=hashes)


def _refusal(target: str, included: str, chain: tuple[str, ...]) -> str | None:
    """Why an include is not followed (remote, outside the folder, a cycle, too deep), or None."""
    if "://" in target:
        return f"remote include {target!r} not fetched"
    if posixpath.isabs(target) or included == ".." or included.startswith("../"):
        return f"include {target!r} is outside the first file's folder; not read"
    if included in chain:
        cycle = " → ".join((*chain[chain.index(included) :], included))
        return f"include cycle: {cycle}; not followed again"
    if len(chain) >= MAX_INCLUDE_DEPTH:
        return f"includes nested deeper than {MAX_INCLUDE_DEPTH}; not read"
    return None


@dataclass(kw_only=True, slots=True)
class _Reader:
    """Walks a requirements file and its `-r` includes, collecting components and problems."""

    root: Document
    components: list[Component] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    done: set[str] = field(default_factory=set)

    def read(self, document: Document, relative: str, chain: tuple[str, ...]) -> None:
        """Every component of `document` (at `relative` from the root's folder) and its includes."""
        for line in logical_lines(document.text()):
            where = Location(path=document.path, line=line.number)
            self._line(document, relative, chain, line, where)
        self.done.add(relative)

    def _line(
        self, document: Document, relative: str, chain: tuple[str, ...], line: _Line, where: Location
    ) -> None:
        error = error_at(document, line.number)
        start = _OPTION_START.search(line.text)
        requirement = line.text if start is None else line.text[: start.start()].strip()
        options = [] if start is None else _options(line.text[start.start() :], error)
        if requirement:
            hashes = [value for option, value in options if option == "--hash"]
            self.components.append(_requirement(requirement, hashes, where, error))
            return
        for option, value in options:
            match option:
                case "-e":
                    self.components.append(_requirement(value, [], where, error))
                case "-r":
                    self._include(relative, chain, value, where)
                case _:
                    pass  # `-c` constraints add no components; `--hash` alone pins nothing.

    def _include(self, relative: str, chain: tuple[str, ...], target: str, where: Location) -> None:
        included = posixpath.normpath(posixpath.join(posixpath.dirname(relative), target))
        refusal = _refusal(target, included, chain)
        if refusal is not None:
            self._problem(where, refusal)
        elif included not in self.done:
            document = self.root.sibling(included)
            if document is None:
                self._problem(where, f"included file {target!r} not found")
            else:
                self.read(document, included, (*chain, included))

    def _problem(self, where: Location, message: str) -> None:
        self.problems.append(Problem(location=where, message=message))


class RequirementsParser:
    """Reads pip requirements files (requirements*.txt) and their `-r` includes."""

    kind = KIND

    def parse(self, document: Document) -> Inventory:
        """Every requirement of the file and its includes; unpinned ones kept with version None."""
        reader = _Reader(root=document)
        relative = posixpath.basename(document.path.replace("\\", "/")) or document.path
        reader.read(document, relative, (relative,))
        inventory = single_file_inventory(document, KIND, reader.components)
        return inventory.merged(Inventory(problems=tuple(reader.problems)))
