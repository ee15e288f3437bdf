"""Gemfile.lock: gems with their graph, direct gems, platform suffixes, GIT and PATH sources."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osswatch.errors import ParseError
from osswatch.inventory.gemfile_lock import GemfileLockParser
from osswatch.inventory.reading import ReadLimits, read_document
from osswatch.model import Component
from tests.conftest import ASSETS, document_of

ASSET = ASSETS / "inventory" / "rubygems" / "Gemfile.lock"


def parse(text: str) -> tuple[Component, ...]:
    return GemfileLockParser().parse(document_of(text, "Gemfile.lock")).components


def by_ref(components: tuple[Component, ...]) -> dict[str | None, Component]:
    return {component.ref: component for component in components}


def test_real_lockfile_components_equal_its_specs(shared_data: Path) -> None:
    path = shared_data / "lockfiles" / "bifold-wallet" / "Gemfile.lock"
    inventory = GemfileLockParser().parse(read_document(path, ReadLimits()))
    # Independently: every line indented exactly four spaces is a spec "name (version)".
    expected = {
        (match.group(1), match.group(2))
        for line in path.read_text().splitlines()
        if (match := re.fullmatch(r" {4}(\S+) \(([^)]+)\)", line))
    }
    found = {(c.name, c.version) for c in inventory.components}
    assert found == expected
    assert len(inventory.components) == len(expected)
    assert all(
        c.ecosystem == "RubyGems" and c.purl == f"pkg:gem/{c.name}@{c.version}" for c in inventory.components
    )
    # DEPENDENCIES (two-space lines after the title) are the direct gems.
    text = path.read_text()
    dependencies = text.split("\nDEPENDENCIES\n", 1)[1].split("\n\n", 1)[0]
    direct = {line.split()[0] for line in dependencies.splitlines()}
    assert {c.name for c in inventory.components if c.is_direct} == direct


def test_real_lockfile_graph_and_checksums(shared_data: Path) -> None:
    path = shared_data / "lockfiles" / "bifold-wallet" / "Gemfile.lock"
    found = by_ref(GemfileLockParser().parse(read_document(path, ReadLimits())).components)
    addressable = found["addressable"]
    assert addressable.depends_on == ("public_suffix",)
    assert addressable.location.line is not None
    line = path.read_text().splitlines()[addressable.location.line - 1]
    assert line.strip().startswith("addressable (")
    checksum_line = next(line for line in path.read_text().splitlines() if line.startswith("  addressable ("))
    assert addressable.hashes == (checksum_line.split()[-1].replace("=", ":", 1),)


def test_asset_sources_platforms_and_direct() -> None:
    found = by_ref(parse(ASSET.read_text()))
    # PATH `myapp` is the project itself: not a component; its dependencies are direct.
    assert set(found) == {"activesupport", "concurrent-ruby", "i18n", "nokogiri", "racc", "rack", "rspec"}
    nokogiri = found["nokogiri"]
    assert (nokogiri.version, nokogiri.location.line, nokogiri.is_direct) == ("1.16.7", 23, True)
    assert nokogiri.purl == "pkg:gem/nokogiri@1.16.7"
    assert nokogiri.depends_on == ("racc",)
    assert nokogiri.hashes[0].startswith("sha256:1f5ab5f5")
    assert found["activesupport"].version == "7.1.5"  # from GIT
    assert found["activesupport"].is_direct is True  # `activesupport!`
    assert found["activesupport"].depends_on == ("concurrent-ruby", "i18n")
    assert {ref for ref, c in found.items() if not c.is_direct} == {"concurrent-ruby", "i18n", "racc"}


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("GEM\n  specs:\n    rack\n", "gem 'rack' has no version", 3),
        ("GEM\n  specs:\n     rack (1.0)\n", "expected 'name (version)'", 3),
        ("GEM\n  specs:\n      rack (1.0)\n", "unexpected line in GEM", 3),
        ("  rack (1.0)\n", "indented line before any section", 1),
        ("GEM\nrack (1.0)\n", "expected a section title", 2),
        ("CHECKSUMS\n  rack\n", "expected 'name (version) sha256=", 2),
    ],
    ids=["no-version", "odd-indent", "orphan-dependency", "no-section", "bad-title", "bad-checksum"],
)
def test_malformed(text: str, message: str, line: int) -> None:
    with pytest.raises(ParseError, match=re.escape(message)) as caught:
        parse(text)
    assert (caught.value.line, caught.value.path) == (line, "Gemfile.lock")


def test_empty_file_has_no_components() -> None:
    assert parse("") == ()


ASSET_LINES = ASSET.read_text().splitlines()


@settings(max_examples=300)
@given(st.one_of(st.text(), st.lists(st.sampled_from(ASSET_LINES)).map("\n".join)))
def test_random_text_raises_only_parse_error(text: str) -> None:
    with contextlib.suppress(ParseError):
        parse(text)
