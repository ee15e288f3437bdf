"""mix.lock: Hex packages with their graph, git checkouts unpinned, read without evaluation."""

from __future__ import annotations

import contextlib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osswatch.errors import ParseError
from osswatch.inventory.mix_lock import MAX_DEPTH, Atom, MixLockParser, read_term
from osswatch.model import Component
from tests.conftest import ASSETS, document_of

ASSET = ASSETS / "inventory" / "hex" / "mix.lock"


def parse(text: str) -> tuple[Component, ...]:
    return MixLockParser().parse(document_of(text, "mix.lock")).components


def by_ref(components: tuple[Component, ...]) -> dict[str | None, Component]:
    return {component.ref: component for component in components}


def test_asset() -> None:
    text = ASSET.read_text()
    found = by_ref(parse(text))
    # Independently: every entry line starts with `  "key": {`.
    keys = re.findall(r'^  "([^"]+)": \{', text, re.MULTILINE)
    assert list(found) == keys
    cowboy = found["cowboy"]
    assert (cowboy.name, cowboy.version, cowboy.ecosystem) == ("cowboy", "2.10.0", "Hex")
    assert cowboy.purl == "pkg:hex/cowboy@2.10.0"
    assert cowboy.location.line == 4
    assert cowboy.depends_on == ("cowlib", "ranch")
    assert cowboy.hashes == ("sha256:3afdccb7183cc6f143cb14d3cf51fa00e53db9ec80cdcd525482f5e99bc41d6b",)
    # An optional dependency that is not locked is not in the graph.
    assert found["jason"].depends_on == ()


def test_git_entry_is_unpinned() -> None:
    reload = by_ref(parse(ASSET.read_text()))["phoenix_live_reload"]
    assert (reload.version, reload.ecosystem, reload.purl) == (None, "Hex", "pkg:hex/phoenix_live_reload")


def test_package_name_differs_from_app_and_other_repo_is_unidentified() -> None:
    sauce = by_ref(parse(ASSET.read_text()))["secret_sauce"]
    assert (sauce.name, sauce.version, sauce.ecosystem, sauce.purl) == (
        "acme_secret_sauce",
        "0.3.0",
        None,
        None,
    )


def test_reader_subset() -> None:
    text = '%{"a" => {:hex, :"quoted atom", "1.0", [k: [1, -2.5e3], b?: true]}, b: nil} # comment'
    term, lines = read_term(document_of(text))
    assert term == {
        "a": (Atom("hex"), Atom("quoted atom"), "1.0", [(Atom("k"), ["1", "-2.5e3"]), (Atom("b?"), "true")]),
        "b": "nil",
    }
    assert lines == {"a": 1, "b": 1}


def test_old_short_hex_tuple() -> None:
    (only,) = parse('%{"poison": {:hex, :poison, "3.1.0"}}')
    assert (only.name, only.version, only.depends_on, only.hashes) == ("poison", "3.1.0", (), ())


def test_empty_map_has_no_components() -> None:
    assert parse("%{}\n") == ()


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("", "unexpected end of file", 1),
        ('%{\n  "a": {:hex, :a, "1"},\n', "unexpected end of file", 2),
        ('%{"a": {:hex, :a, "1"]}', "expected '}'", 1),
        ('%{"a": 1}', "entry 'a' should be a tuple", 1),
        ('%{"a": {:hex, "a", "1"}}', "should be {:hex, :name, \"version\"", 1),
        ("[1]", "expected a map", 1),
        ('%{"": {:git, "u", "r", []}}', "empty dependency name", 1),
        ('%{"a": {:hex, :"", "1"}}', "should be {:hex", 1),
        ('%{"a" {}}', "a map entry is", 1),
        ('%{"a": {}} x', "after the map", 1),
        ("%{\n\n  a: ~s(x)}", "unexpected character '~'", 3),
        ("%{a: " + "{" * (MAX_DEPTH + 5), "nested deeper than", 1),
        ("%{a: System.cmd()}", "unexpected character '.'", 1),
        ("}", "unexpected '}'", 1),
    ],
    ids=[
        "empty", "truncated", "mismatched", "not-tuple", "name-not-atom", "not-map", "empty-key",
        "empty-atom", "no-arrow", "trailing", "sigil", "deep", "call", "stray-close",
    ],
)  # fmt: skip
def test_malformed(text: str, message: str, line: int) -> None:
    with pytest.raises(ParseError, match=re.escape(message)) as caught:
        parse(text)
    assert caught.value.line == line


def test_hostile_depth_does_not_crash() -> None:
    with pytest.raises(ParseError, match="nested deeper"):
        parse("[" * 100_000)


FRAGMENTS = st.sampled_from(
    ["%{", "{", "}", "[", "]", ",", " => ", ":hex", '"a"', '"a": ', "k: ", '"1.0"', ":x", "\n", "#c\n", "1"]
)
ASSET_LINES = ASSET.read_text().splitlines()


@settings(max_examples=400)
@given(
    st.one_of(
        st.text(),
        st.lists(FRAGMENTS, max_size=30).map("".join),
        st.lists(st.sampled_from(ASSET_LINES)).map("\n".join),
    )
)
def test_random_text_raises_only_parse_error(text: str) -> None:
    with contextlib.suppress(ParseError):
        parse(text)
