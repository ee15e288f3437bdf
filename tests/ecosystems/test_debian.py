"""Debian and Ubuntu versions: dpkg order with epochs, `~` and revisions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osswatch.ecosystems import get
from tests.ecosystems.properties import (
    NUMBERS,
    assert_never_raises,
    assert_ordered,
    assert_sorts_alike,
    assert_vector,
    optional,
)
from tests.ecosystems.vectors import Vector, vector_params

DEBIAN = get("Debian")
UPSTREAM = st.builds(lambda first, rest: first + rest, NUMBERS, st.text(alphabet="0123ab.+~", max_size=6))
VERSIONS = st.builds(
    lambda epoch, upstream, revision: epoch + upstream + revision,
    optional(NUMBERS.map(lambda e: e + ":")),
    UPSTREAM,
    optional(st.text(alphabet="01ab.+~", min_size=1, max_size=5), "-"),
)


@pytest.mark.parametrize("vector", vector_params("debian-versions.txt"))
def test_debian_vectors(vector: Vector | None) -> None:
    assert_vector(DEBIAN, vector)


@pytest.mark.parametrize("vector", vector_params("debian-versions-generated.txt"))
def test_debian_generated_vectors(vector: Vector | None) -> None:
    assert_vector(DEBIAN, vector)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("1.0~rc1", "1.0", -1),
        ("1.0~~", "1.0~", -1),
        ("1.0", "1.0+b1", -1),
        ("1.0a", "1.0+", -1),
        ("1:0.1", "2.0", 1),
        ("1.0-1", "1.0-1~bpo1", 1),
        ("1.0.0", "1.0", 1),
        ("1a0", "1a", 0),
    ],
    ids=["tilde", "double-tilde", "plus", "letter-before-symbol", "epoch", "backport", "longer", "zero"],
)
def test_dpkg_rules(a: str, b: str, expected: int) -> None:
    assert DEBIAN.compare(a, b) == expected


@pytest.mark.parametrize(
    ("version", "valid"),
    [
        ("1:2.3-4", True),
        ("2.3-4-5", True),
        ("1:2:3", True),
        ("a:1.0", False),
        (":1.0", False),
        ("1.0-", False),
        ("1.0 beta", False),
        ("1.0_1", False),
        ("", False),
        ("1.0-4:5", False),
    ],
    ids=[
        "full",
        "hyphens",
        "colon",
        "word-epoch",
        "empty-epoch",
        "empty-revision",
        "space",
        "underscore",
        "empty",
        "colon-in-revision",
    ],
)
def test_validity(version: str, valid: bool) -> None:
    assert DEBIAN.is_valid(version) is valid


def test_ubuntu_and_suffixes_share_the_scheme() -> None:
    assert get("Ubuntu:22.04:LTS").name == "Ubuntu"
    assert get("Debian:12") is DEBIAN
    assert not DEBIAN.is_prerelease("1.0~rc1")


@given(VERSIONS, VERSIONS, VERSIONS)
def test_debian_order_properties(a: str, b: str, c: str) -> None:
    assert_ordered(DEBIAN, a, b, c, exact_key=True)


@given(st.lists(VERSIONS, max_size=12))
def test_sort_key_sorts_like_compare(versions: list[str]) -> None:
    assert_sorts_alike(DEBIAN, versions)


@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    assert_never_raises(DEBIAN, text, "1.0-1")
