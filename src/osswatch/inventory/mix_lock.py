"""mix.lock: the Hex packages (and git checkouts) an Elixir project's dependencies resolved to.

The file is an Elixir map literal that Mix writes (`Mix.Dep.Lock`), one entry a line:
`"cowboy": {:hex, :cowboy, "2.10.0", "<inner sha256>", [:make, :rebar3], [{:cowlib, "2.12.1",
[hex: :cowlib, repo: "hexpm", optional: false]}], "hexpm", "<outer sha256>"},` — shape as in
public lockfiles and https://hexdocs.pm/mix/Mix.Tasks.Deps.html. It is read here by a small
tokenizer and recursive-descent reader for the literal subset Mix writes (maps, tuples, lists,
keyword lists, strings, atoms, numbers); nothing is ever evaluated.

`:hex` entries are components named by their Hex package (the tuple's second element, which can
differ from the app name used as the key). Packages from a repository other than hex.pm are kept
but unidentified. `:git` entries are unpinned: the commit they lock is not a Hex version.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from osswatch.ecosystems.identity import normalize_name, purl_for
from osswatch.inventory.base import Document, single_file_inventory
from osswatch.model import Component, EcosystemName, Inventory, Location

ECOSYSTEM = EcosystemName("Hex")
KIND = "mix.lock"
MAX_DEPTH = 64
"""Deepest nesting read; Mix writes five levels."""

_TOKEN = re.compile(
    r"""(?P<space>[ \t\r\n]+|\#[^\n]*)
    |(?P<open>%\{|[{\[])|(?P<close>[}\]])|(?P<comma>,)|(?P<arrow>=>)
    |(?P<string>"[^"\\]*(?:\\.[^"\\]*)*")(?P<key_colon>:(?=\s))?
    |(?P<atom>:(?:[A-Za-z_][A-Za-z0-9_@]*[?!]?|"[^"\\]*(?:\\.[^"\\]*)*"))
    |(?P<keyword>[A-Za-z_][A-Za-z0-9_@]*[?!]?):(?=\s)
    |(?P<word>[A-Za-z_][A-Za-z0-9_@]*[?!]?|-?[0-9][0-9_.eE+-]*)
    |(?P<error>.)""",
    re.VERBOSE,
)
_CLOSERS = {"%{": "}", "{": "}", "[": "]"}


@dataclass(frozen=True, slots=True)
class Atom:
    """An Elixir atom such as `:hex`."""

    name: str


Term = str | Atom | tuple["Term", ...] | list["Term"] | dict[str, "Term"]
"""A value of the literal subset: maps become dicts, keyword pairs `(Atom, value)` tuples."""


class _Token(NamedTuple):
    kind: str
    text: str
    line: int


class _Reader:
    """Recursive descent over the tokens of one document."""

    def __init__(self, document: Document, tokens: list[_Token]) -> None:
        self.document = document
        self.tokens = tokens
        self.index = 0
        self.key_lines: dict[str, int] = {}

    def peek(self) -> _Token:
        if self.index >= len(self.tokens):
            last = self.tokens[-1].line if self.tokens else 1
            raise self.document.error("unexpected end of file", line=last)
        return self.tokens[self.index]

    def take(self) -> _Token:
        token = self.peek()
        self.index += 1
        return token

    def value(self, depth: int) -> Term:
        token = self.take()
        if depth > MAX_DEPTH:
            raise self.document.error(f"nested deeper than {MAX_DEPTH} levels", line=token.line)
        match token.kind:
            case "open":
                return self.collection(token, depth + 1)
            case "string":
                return _unescape(token.text[1:-1])
            case "atom":
                return Atom(_unescape(token.text[1:].strip('"')))
            case "word":
                return token.text
            case _:
                raise self.document.error(f"unexpected {token.text!r}", line=token.line)

    def collection(self, opener: _Token, depth: int) -> Term:
        items: list[Term] = []
        pairs: dict[str, Term] = {}
        while self.peek().kind != "close":
            self.item(opener.text, items, pairs, depth)
            if self.peek().kind != "comma":
                break
            self.take()
        closer = self.take()
        if closer.text != _CLOSERS[opener.text]:
            raise self.document.error(f"expected {_CLOSERS[opener.text]!r}", line=closer.line)
        if opener.text == "%{":
            return pairs
        return items if opener.text == "[" else tuple(items)

    def item(self, opener: str, items: list[Term], pairs: dict[str, Term], depth: int) -> None:
        token = self.peek()
        if token.kind in ("keyword", "key"):
            self.take()
            name = _unescape(token.text.strip('"'))
            if opener == "%{":
                pairs[name] = self.value(depth)
                self.key_lines.setdefault(name, token.line)
            else:
                items.append((Atom(name), self.value(depth)))
            return
        if opener != "%{":
            items.append(self.value(depth))
            return
        key = self.value(depth)
        arrow = self.take()
        if arrow.kind != "arrow" or not isinstance(key, str):
            raise self.document.error("a map entry is '\"key\" => value'", line=arrow.line)
        pairs[key] = self.value(depth)
        self.key_lines.setdefault(key, token.line)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text) if "\\" in text else text


def _tokens(document: Document) -> Iterator[_Token]:
    line = 1
    for match in _TOKEN.finditer(document.text()):
        kind = match.lastgroup
        if kind == "space":
            line += match.group(0).count("\n")
        elif kind == "error":
            raise document.error(f"unexpected character {match.group(0)!r}", line=line)
        elif kind == "key_colon":
            yield _Token("key", match.group("string"), line)
        else:
            # Group `keyword` leaves out its colon; strings may span lines.
            yield _Token(kind or "", match.group(kind or 0), line)
            line += match.group(0).count("\n")


def read_term(document: Document) -> tuple[Term, dict[str, int]]:
    """The literal in the document and the line of each top-level map key."""
    reader = _Reader(document, list(_tokens(document)))
    term = reader.value(0)
    if reader.index != len(reader.tokens):
        extra = reader.tokens[reader.index]
        raise document.error(f"unexpected {extra.text!r} after the map", line=extra.line)
    return term, reader.key_lines


class MixLockParser:
    """Reads mix.lock files."""

    kind = KIND

    def parse(self, document: Document) -> Inventory:
        """Every locked dependency: Hex packages pinned, git checkouts unpinned."""
        term, lines = read_term(document)
        if not isinstance(term, dict):
            raise document.error("expected a map '%{…}'", line=1)
        components = [_component(document, key, entry, lines.get(key), term) for key, entry in term.items()]
        return single_file_inventory(document, KIND, components)


def _component(
    document: Document, key: str, entry: Term, line: int | None, lock: dict[str, Term]
) -> Component:
    if not isinstance(entry, tuple) or not entry or not isinstance(entry[0], Atom):
        raise document.error(f"entry {key!r} should be a tuple like {{:hex, …}}", line=line)
    location = Location(path=document.path, line=line)
    if not key.strip():
        raise document.error("empty dependency name", line=line)
    if entry[0].name != "hex":
        # :git (and custom SCMs): a checkout, not a Hex release.
        return _unpinned(key, location)
    name = entry[1].name if len(entry) > 1 and isinstance(entry[1], Atom) else ""
    version = entry[2] if len(entry) > 2 else None
    if not name or not isinstance(version, str):
        raise document.error(f'entry {key!r} should be {{:hex, :name, "version", …}}', line=line)
    repo = entry[6] if len(entry) > 6 and isinstance(entry[6], str) else "hexpm"
    is_hex_pm = repo == "hexpm"
    checksum = entry[7] if len(entry) > 7 and isinstance(entry[7], str) else None
    return Component(
        name=normalize_name(ECOSYSTEM, name),
        version=version,
        ecosystem=ECOSYSTEM if is_hex_pm else None,
        purl=purl_for(ECOSYSTEM, name, version) if is_hex_pm else None,
        location=location,
        hashes=(f"sha256:{checksum}",) if checksum else (),
        ref=key,
        depends_on=tuple(_dependencies(entry[5] if len(entry) > 5 else [], lock)),
    )


def _unpinned(key: str, location: Location) -> Component:
    return Component(
        name=normalize_name(ECOSYSTEM, key),
        version=None,
        ecosystem=ECOSYSTEM,
        purl=purl_for(ECOSYSTEM, key, None),
        location=location,
        ref=key,
    )


def _dependencies(value: Term, lock: dict[str, Term]) -> Iterator[str]:
    for item in value if isinstance(value, list) else ():
        if isinstance(item, tuple) and item and isinstance(item[0], Atom) and item[0].name in lock:
            yield item[0].name
