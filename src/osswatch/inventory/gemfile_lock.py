"""Gemfile.lock (and gems.locked): the gems Bundler resolved, their graph, and which are direct.

Shape (Bundler's `lib/bundler/lockfile_parser.rb`, https://bundler.io/guides/gemfile.html): source
sections `GEM`, `GIT`, `PATH` and `PLUGIN SOURCE` each hold `  remote:` options and `  specs:`;
under it a gem is `    name (version[-platform])` at four spaces and its dependencies follow at
six. `DEPENDENCIES` lists what the Gemfile asks for (the direct gems, `name!` when pinned to a
source), `CHECKSUMS` (Bundler 2.6+) `name (version) sha256=…`. Bundler splits a spec's version
at its first `-` (everything after is the platform), and so do we: `nokogiri (1.16.0-x86_64-linux)`
is nokogiri 1.16.0. One gem locked for several platforms is one component.

`PATH` specs are local gems (usually the project's own gemspec): not components, but the gems they
depend on are direct. `GIT` gems keep the version their gemspec declares.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from osswatch.ecosystems.identity import normalize_name, purl_for
from osswatch.inventory.base import Document, single_file_inventory
from osswatch.model import Component, EcosystemName, Inventory, Location

ECOSYSTEM = EcosystemName("RubyGems")
KIND = "Gemfile.lock"
_SOURCES = frozenset({"GEM", "GIT", "PATH", "PLUGIN SOURCE"})
# Bundler's NAME_VERSION: indentation, name, optional "(version[-platform])", optional "!".
_NAME_VERSION = re.compile(
    r"^(?P<indent> {2}| {4}| {6})(?! )(?P<name>.*?)"
    r"(?: \((?P<version>[^-]*)(?:-(?P<platform>.*))?\))?(?P<bang>!)?$"
)
_CHECKSUM = re.compile(r"^  (?P<name>\S+) \((?P<version>[^-)]*)(?:-[^)]*)?\)(?: (?P<sums>.*))?$")
_SECTION = re.compile(r"^[A-Z][A-Z ]*$")


@dataclass(kw_only=True, slots=True)
class _Spec:
    name: str
    version: str
    section: str
    line: int
    dependencies: list[str] = field(default_factory=list)


@dataclass(kw_only=True, slots=True)
class _Lockfile:
    specs: dict[str, _Spec] = field(default_factory=dict)
    direct: set[str] = field(default_factory=set)
    checksums: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)


class GemfileLockParser:
    """Reads Gemfile.lock and gems.locked files."""

    kind = KIND

    def parse(self, document: Document) -> Inventory:
        """Every gem from a remote or git source, with its dependencies."""
        lock = _read(document)
        local = [spec for spec in lock.specs.values() if spec.section == "PATH"]
        direct = lock.direct | {name for spec in local for name in spec.dependencies}
        components = [
            _component(document, spec, lock, direct) for spec in lock.specs.values() if spec.section != "PATH"
        ]
        return single_file_inventory(document, KIND, components)


def _sections(document: Document) -> Iterator[tuple[str, list[tuple[int, str]]]]:
    """Each top-level section's title and its indented lines (number, text)."""
    title: str | None = None
    body: list[tuple[int, str]] = []
    for number, line in enumerate(document.text().splitlines(), start=1):
        if not line.strip():
            continue
        if not line.startswith(" "):
            if not _SECTION.match(line):
                raise document.error(f"expected a section title, found {line[:40]!r}", line=number)
            if title is not None:
                yield title, body
            title, body = line, []
        elif title is None:
            raise document.error("indented line before any section", line=number)
        else:
            body.append((number, line.rstrip()))
    if title is not None:
        yield title, body


def _read(document: Document) -> _Lockfile:
    lock = _Lockfile()
    for title, body in _sections(document):
        if title in _SOURCES:
            _read_specs(document, title, body, lock)
        elif title == "DEPENDENCIES":
            for number, line in body:
                name, _, _ = _name_version(document, number, line)
                lock.direct.add(name)
        elif title == "CHECKSUMS":
            _read_checksums(document, body, lock)
    return lock


def _name_version(document: Document, number: int, line: str) -> tuple[str, str | None, int]:
    match = _NAME_VERSION.match(line)
    if match is None or not match.group("name"):
        raise document.error(f"expected 'name (version)', found {line.strip()[:40]!r}", line=number)
    return match.group("name"), match.group("version"), len(match.group("indent"))


def _read_specs(document: Document, title: str, body: list[tuple[int, str]], lock: _Lockfile) -> None:
    current: _Spec | None = None
    for number, line in body:
        if line.startswith("  ") and not line.startswith("   ") and ":" in line:
            continue  # `  remote: …`, `  revision: …`, `  specs:` and other source options
        name, version, indent = _name_version(document, number, line)
        if indent == 4:
            if version is None:
                raise document.error(f"gem {name!r} has no version", line=number)
            current = lock.specs.setdefault(
                name, _Spec(name=name, version=version, section=title, line=number)
            )
        elif indent == 6 and current is not None:
            if name not in current.dependencies:
                current.dependencies.append(name)
        else:
            raise document.error(f"unexpected line in {title}: {line.strip()[:40]!r}", line=number)


def _read_checksums(document: Document, body: list[tuple[int, str]], lock: _Lockfile) -> None:
    for number, line in body:
        match = _CHECKSUM.match(line)
        if match is None:
            raise document.error(f"expected 'name (version) sha256=…', found {line[:40]!r}", line=number)
        sums = tuple(s.replace("=", ":", 1) for s in (match.group("sums") or "").split(",") if s)
        key = (match.group("name"), match.group("version"))
        lock.checksums[key] = lock.checksums.get(key, ()) + sums


def _component(document: Document, spec: _Spec, lock: _Lockfile, direct: set[str]) -> Component:
    return Component(
        name=normalize_name(ECOSYSTEM, spec.name),
        version=spec.version,
        ecosystem=ECOSYSTEM,
        purl=purl_for(ECOSYSTEM, spec.name, spec.version),
        location=Location(path=document.path, line=spec.line),
        is_direct=spec.name in direct,
        hashes=lock.checksums.get((spec.name, spec.version), ()),
        ref=spec.name,
        depends_on=tuple(d for d in spec.dependencies if d in lock.specs and lock.specs[d].section != "PATH"),
    )
