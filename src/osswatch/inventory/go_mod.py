"""go.mod: the modules a Go module requires, after `replace`, with go.sum hashes when present.

Syntax: https://go.dev/ref/mod#go-mod-file (lexer: golang.org/x/mod/modfile/read.go). Since Go 1.17
the main module's go.mod lists every module in its build list, each at the version minimal version
selection picks, so the `require` versions are the versions built. `// indirect` marks modules
no package of the main module imports (transitive). Decisions:

- `replace old [v] => new v2` makes the component `new@v2` (a version-specific replace wins over a
  blanket one); `replace old => ../dir` points at a local folder, so the component stays `old` with
  no version (unpinned: whatever is in that folder) and a log line says so.
- `exclude` and `retract` do not change what is built from this file (`exclude` only stops MVS from
  picking a version, and the listed versions are already the picks); both are ignored.
- The standard library is the component `stdlib` (the module name OSV's Go database uses). Its
  version is that of the `toolchain` directive, else the `go` directive, without the `go` prefix as
  in OSV (`1.21.5`) — the *lowest* toolchain the module allows; a build may use a newer one. When
  neither names a full release (`go 1.20`), `stdlib` is reported unpinned rather than guessed.
- Module versions keep their `v` (`v1.2.3`), as go.mod, go.sum and purls write them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from osswatch.ecosystems.identity import purl_for
from osswatch.errors import ParseError
from osswatch.inventory.base import Document, single_file_inventory
from osswatch.model import Component, EcosystemName, Inventory, Location

log = logging.getLogger(__name__)

ECOSYSTEM = EcosystemName("Go")
KIND = "go.mod"
STDLIB = "stdlib"
_VERSION = re.compile(r"^v\d+(\.\d+){0,2}(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")
_MODULE_PATH = re.compile(r"^[^\s/]+(/[^\s/]+)*$")
_RELEASE = re.compile(r"^(?:go)?(\d+\.\d+\.\d+)$")
_BLOCK_VERBS = frozenset({"require", "replace", "exclude", "retract", "godebug", "tool", "ignore"})
_TOKEN = re.compile(r'\s*(?://(?P<comment>.*)|(?P<token>=>|[()]|"(?:[^"\\]|\\.)*"|`[^`]*`|[^\s()"`]+))')


@dataclass(frozen=True, kw_only=True, slots=True)
class _Entry:
    """One directive line: its verb (also inside blocks), arguments and trailing comment."""

    verb: str
    args: tuple[str, ...]
    comment: str
    line: int


@dataclass(frozen=True, kw_only=True, slots=True)
class _Replace:
    old: str
    old_version: str | None
    new: str
    new_version: str | None
    line: int


@dataclass(kw_only=True, slots=True)
class _GoMod:
    requires: list[_Entry] = field(default_factory=list)
    replaces: list[_Replace] = field(default_factory=list)
    go: _Entry | None = None
    toolchain: _Entry | None = None


class GoModParser:
    """Reads go.mod files (and their sibling go.sum for hashes)."""

    kind = KIND

    def parse(self, document: Document) -> Inventory:
        """Every required module after replacements, and the standard library."""
        mod = _read(document)
        sums = _go_sum(document)
        components = [_required(document, mod, entry, sums) for entry in mod.requires]
        stdlib = _stdlib(document, mod)
        if stdlib is not None:
            components.append(stdlib)
        return single_file_inventory(document, KIND, components)


def _tokens(document: Document, text: str, line: int) -> tuple[list[str], str]:
    tokens: list[str] = []
    position = 0
    while text[position:].strip():
        match = _TOKEN.match(text, position)
        if match is None:
            raise document.error(f"unexpected text: {text[position:].strip()[:40]!r}", line=line)
        if match.group("comment") is not None:
            return tokens, match.group("comment").strip()
        tokens.append(_unquote(match.group("token")))
        position = match.end()
    return tokens, ""


def _unquote(token: str) -> str:
    if token[0] in '"`' and len(token) >= 2:
        return token[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return token


def _entries(document: Document) -> Iterator[_Entry]:
    block: str | None = None
    for number, raw in enumerate(document.text().splitlines(), start=1):
        tokens, comment = _tokens(document, raw, number)
        if not tokens:
            continue
        if block is not None:
            if tokens == [")"]:
                block = None
            else:
                yield _Entry(verb=block, args=tuple(tokens), comment=comment, line=number)
            continue
        verb = tokens[0]
        if not re.fullmatch(r"[a-z]+", verb):
            raise document.error(f"expected a directive, found {verb!r}", line=number)
        if tokens[1:] == ["("] and verb in _BLOCK_VERBS:
            block = verb
        elif tokens[1:] != ["(", ")"]:
            yield _Entry(verb=verb, args=tuple(tokens[1:]), comment=comment, line=number)
    if block is not None:
        raise document.error(f"'{block} (' block is not closed with ')'")


def _read(document: Document) -> _GoMod:
    mod = _GoMod()
    for entry in _entries(document):
        match entry.verb:
            case "require":
                _check_require(document, entry)
                mod.requires.append(entry)
            case "replace":
                mod.replaces.append(_replace(document, entry))
            case "go":
                mod.go = entry
            case "toolchain":
                mod.toolchain = entry
            case _:
                # module, exclude, retract, godebug, tool, ignore and future directives.
                pass
    return mod


def _check_require(document: Document, entry: _Entry) -> None:
    if len(entry.args) != 2:
        raise document.error("a requirement is 'module/path v1.2.3'", line=entry.line)
    _check_path(document, entry.args[0], entry.line)
    if not _VERSION.match(entry.args[1]):
        raise document.error(f"invalid module version {entry.args[1]!r}", line=entry.line)


def _check_path(document: Document, path: str, line: int) -> None:
    if not _MODULE_PATH.match(path):
        raise document.error(f"invalid module path {path!r}", line=line)


def _replace(document: Document, entry: _Entry) -> _Replace:
    args = entry.args
    if "=>" not in args:
        raise document.error("a replacement needs '=>'", line=entry.line)
    arrow = args.index("=>")
    left, right = args[:arrow], args[arrow + 1 :]
    if len(left) not in (1, 2) or len(right) not in (1, 2):
        raise document.error("a replacement is 'old [version] => new [version]'", line=entry.line)
    for version in (*left[1:], *right[1:]):
        if not _VERSION.match(version):
            raise document.error(f"invalid module version {version!r}", line=entry.line)
    _check_path(document, left[0], entry.line)
    if len(right) == 2:
        _check_path(document, right[0], entry.line)
    return _Replace(
        old=left[0],
        old_version=left[1] if len(left) == 2 else None,
        new=right[0],
        new_version=right[1] if len(right) == 2 else None,
        line=entry.line,
    )


def _replacement(mod: _GoMod, path: str, version: str) -> _Replace | None:
    candidates = [r for r in mod.replaces if r.old == path and r.old_version in (None, version)]
    # A replace naming the version wins over one for every version of the module.
    candidates.sort(key=lambda r: r.old_version is None)
    return candidates[0] if candidates else None


def _required(document: Document, mod: _GoMod, entry: _Entry, sums: dict[tuple[str, str], str]) -> Component:
    path, version = entry.args
    name: str = path
    pinned: str | None = version
    line = entry.line
    replace = _replacement(mod, path, version)
    if replace is not None and replace.new_version is None:
        log.info("%s: %s is replaced by the local folder %s: unpinned", document.path, path, replace.new)
        pinned, line = None, replace.line
    elif replace is not None:
        name, pinned, line = replace.new, replace.new_version, replace.line
    digest = sums.get((name, pinned)) if pinned is not None else None
    if pinned is not None and digest is None and sums:
        log.debug("%s: %s %s is not in go.sum", document.path, name, pinned)
    is_indirect = entry.comment == "indirect" or entry.comment.startswith("indirect;")
    return Component(
        name=name,
        version=pinned,
        ecosystem=ECOSYSTEM,
        purl=purl_for(ECOSYSTEM, name, pinned),
        location=Location(path=document.path, line=line),
        is_direct=not is_indirect,
        hashes=(digest,) if digest else (),
        ref=path,
    )


def _stdlib(document: Document, mod: _GoMod) -> Component | None:
    entry = mod.toolchain or mod.go
    if entry is None:
        return None
    if len(entry.args) != 1:
        raise document.error(f"'{entry.verb}' takes one version", line=entry.line)
    release = _RELEASE.match(entry.args[0])
    version = release.group(1) if release else None
    if version is None and mod.toolchain is not None and mod.go is not None:
        release = _RELEASE.match(mod.go.args[0]) if len(mod.go.args) == 1 else None
        version = release.group(1) if release else None
    return Component(
        name=STDLIB,
        version=version,
        ecosystem=ECOSYSTEM,
        purl=purl_for(ECOSYSTEM, STDLIB, version),
        location=Location(path=document.path, line=entry.line),
        ref=STDLIB,
    )


def _go_sum(document: Document) -> dict[tuple[str, str], str]:
    """`(module, version) → h1: hash` from the sibling go.sum (module zips, not go.mod files)."""
    sibling = document.sibling("go.sum")
    if sibling is None:
        return {}
    sums: dict[tuple[str, str], str] = {}
    for number, raw in enumerate(sibling.text().splitlines(), start=1):
        parts = raw.split()
        if not parts:
            continue
        if len(parts) != 3:
            raise ParseError(sibling.path, "a go.sum line is 'module version hash'", line=number)
        path, version, digest = parts
        if not version.endswith("/go.mod"):
            sums[(path, version)] = digest
    return sums
