"""The parser table: every entry loads a parser of its own kind, and claims every name it lists."""

from __future__ import annotations

import pytest

from osswatch.inventory.registry import PARSERS, ParserEntry, entry_for
from tests.conftest import claims

GLOB_CHARACTERS = frozenset("*?[")


@pytest.mark.parametrize("entry", PARSERS, ids=[e.kind for e in PARSERS])
def test_every_entry_loads_a_parser_of_its_kind(entry: ParserEntry) -> None:
    parser = entry.load()
    assert type(parser).__name__ == entry.attribute
    assert type(parser).__module__ == entry.module
    assert parser.kind == entry.kind


@pytest.mark.parametrize("entry", PARSERS, ids=[e.kind for e in PARSERS])
def test_every_literal_name_goes_to_its_parser(entry: ParserEntry) -> None:
    literal = [name for name in entry.names if not GLOB_CHARACTERS & set(name)]
    for name in literal:
        assert claims(entry.kind, name), name


@pytest.mark.parametrize(
    ("filename", "head", "kind"),
    [
        ("requirements-dev.txt", b"", "requirements.txt"),
        ("app.cdx.json", b"", "cyclonedx-json"),
        ("sbom.json", b'{"bomFormat": "CycloneDX", "specVersion": "1.6"}', "cyclonedx-json"),
        ("sbom.json", b'{"spdxVersion": "SPDX-2.3"}', "spdx-json"),
        ("sbom.xml", b'<bom xmlns="http://cyclonedx.org/schema/bom/1.5">', "cyclonedx-xml"),
        ("pylock.dev.toml", b"", "pylock.toml"),
    ],
    ids=["requirements-glob", "cdx-name", "cdx-sniffed", "spdx-sniffed", "cdx-xml-sniffed", "pylock-glob"],
)
def test_names_and_content_pick_the_parser(filename: str, head: bytes, kind: str) -> None:
    entry = entry_for(filename, head)
    assert entry is not None
    assert entry.kind == kind


@pytest.mark.parametrize(
    ("filename", "head"),
    [("package.json", b"{}"), ("notes.json", b'{"a": 1}'), ("constraints.txt", b""), ("Pipfile", b"")],
    ids=["package-json", "plain-json", "constraints", "pipfile"],
)
def test_files_osswatch_does_not_read_pick_nothing(filename: str, head: bytes) -> None:
    assert entry_for(filename, head) is None
