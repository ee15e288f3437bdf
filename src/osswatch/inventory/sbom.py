"""What the SBOM parsers (CycloneDX, SPDX 2 and 3) share: purl identification, hashes, lines, graphs.

An SBOM entry is identified by its package URL alone (https://github.com/package-url/purl-spec):
a known purl type gives the OSV ecosystem and the normalized name. An entry without a purl, with a
purl type osswatch does not know, or with a malformed purl is still kept, as an unidentified
component (ecosystem None) under the name and version the document wrote: the design forbids
dropping a component silently. A malformed purl is logged (with file and line) and not kept in
`purl`, so later stages never re-parse a string known to be invalid.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from osswatch.ecosystems.identity import normalize_name, parse_purl
from osswatch.inventory.base import Document
from osswatch.model import Component, EcosystemName, Location, Purl, Scope

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True, slots=True)
class Identity:
    """What osswatch makes of an SBOM entry: ecosystem (None if unidentified), name, version, purl."""

    ecosystem: EcosystemName | None
    name: str
    version: str | None
    purl: Purl | None


@dataclass(frozen=True, kw_only=True, slots=True)
class Entry:
    """One package as an SBOM states it, before identification."""

    name: str | None
    version: str | None
    purl: str | None
    line: int | None
    ref: str | None = None
    scope: Scope = Scope.RUNTIME
    licenses: tuple[str, ...] = ()
    supplier: str | None = None
    author: str | None = None
    hashes: tuple[str, ...] = ()


def identify(document: Document, entry: Entry, context: str) -> Identity:
    """The identity of an entry from its purl; unidentified (never dropped) when that fails."""
    written = entry.name
    if entry.purl is None:
        name = _required_name(document, written, context, entry.line)
        return Identity(ecosystem=None, name=name, version=entry.version, purl=None)
    try:
        found = parse_purl(entry.purl)
    except ValueError as e:
        where = document.path if entry.line is None else f"{document.path}:{entry.line}"
        log.warning(
            "%s: '%s' has a malformed purl %r (%s); kept as unidentified", where, context, entry.purl, e
        )
        name = _required_name(document, written, context, entry.line)
        return Identity(ecosystem=None, name=name, version=entry.version, purl=None)
    version = found.version or entry.version
    if found.ecosystem is None:
        name = written or found.name
        return Identity(ecosystem=None, name=name, version=version, purl=Purl(entry.purl))
    name = normalize_name(found.ecosystem, found.name)
    return Identity(ecosystem=found.ecosystem, name=name, version=version, purl=Purl(entry.purl))


def _required_name(document: Document, name: str | None, context: str, line: int | None) -> str:
    if not name:
        raise document.error(f"'{context}' has neither a name nor a purl", line=line)
    return name


@dataclass(frozen=True, kw_only=True, slots=True)
class Graph:
    """The dependency edges a document records (ref → refs), and which refs its roots depend on."""

    edges: Mapping[str, Iterable[str]]
    direct: frozenset[str] | None
    """The refs the roots depend on; None when the roots have no edges (the SBOM does not say)."""

    def depends_on(self, ref: str | None) -> tuple[str, ...]:
        """The refs `ref` depends on, each once, in document order."""
        return tuple(dict.fromkeys(self.edges.get(ref, ()))) if ref is not None else ()

    def is_direct(self, ref: str | None) -> bool | None:
        """True when a root depends on `ref`; None when unknown."""
        if self.direct is None or ref is None:
            return None
        return ref in self.direct


def graph_of(edges: Mapping[str, Iterable[str]], roots: Iterable[str]) -> Graph:
    """The graph of a document, given its edges and the refs of what it describes."""
    direct: set[str] = set()
    has_root_edges = False
    for root in roots:
        if root in edges:
            has_root_edges = True
            direct.update(edges[root])
    return Graph(edges=edges, direct=frozenset(direct) if has_root_edges else None)


def component_of(document: Document, entry: Entry, context: str, graph: Graph) -> Component:
    """The Component of an SBOM entry, linked into the document's dependency graph."""
    identity = identify(document, entry, context)
    return Component(
        name=identity.name,
        version=identity.version,
        ecosystem=identity.ecosystem,
        purl=identity.purl,
        location=Location(path=document.path, line=entry.line),
        is_direct=graph.is_direct(entry.ref),
        scope=entry.scope,
        licenses=entry.licenses,
        supplier=entry.supplier,
        author=entry.author,
        hashes=entry.hashes,
        ref=entry.ref,
        depends_on=graph.depends_on(entry.ref),
    )


def hash_text(algorithm: str, value: str) -> str:
    """A hash as `alg:value` with hashlib-style names (`SHA-256`/`SHA256` → `sha256`)."""
    name = algorithm.strip().lower()
    if name.startswith("sha-"):
        name = "sha" + name[4:]
    return f"{name}:{value.strip()}"


def parse_timestamp(document: Document, text: str | None, context: str) -> datetime | None:
    """An ISO 8601 date-time, or None (logged) when absent or unreadable.

    A bad timestamp does not make the components unreadable; the NTIA check then reports it missing.
    """
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        log.warning("%s: '%s' is not an ISO 8601 date-time: %r", document.path, context, text)
        return None


class LineIndex:
    """1-based lines of `"key": "value"` pairs in JSON text, found with one regex pass."""

    __slots__ = ("_text",)

    def __init__(self, text: str) -> None:
        self._text = text

    def json_values(self, key: str) -> dict[str, int]:
        """The first line of each string value given to `key` anywhere in the JSON text.

        Cheap and good enough for locations: the key names bom-refs and SPDX ids, which the
        formats require to be unique. Lines are counted between matches (`str.count` runs in C).
        """
        pattern = re.compile(r'"' + re.escape(key) + r'"\s*:\s*"((?:[^"\\]|\\.)*)"')
        lines: dict[str, int] = {}
        line, position = 1, 0
        for match in pattern.finditer(self._text):
            line += self._text.count("\n", position, match.start())
            position = match.start()
            raw = match.group(1)
            if "\\" in raw:
                try:
                    raw = json.loads(f'"{raw}"')
                except json.JSONDecodeError:
                    continue
            lines.setdefault(raw, line)
        return lines
