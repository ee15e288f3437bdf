"""Alpine (apk) versions."""

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

ALPINE = get("Alpine")
SUFFIX = st.builds(
    lambda name, number: f"_{name}{number}",
    st.sampled_from(["alpha", "beta", "pre", "rc", "cvs", "svn", "git", "hg", "p"]),
    optional(NUMBERS),
)
# Numbers after the first without leading zeros: osv-scanner compares "1.0" below "1.00" but
# equal to "1", which no total order can follow (see the alpine module docstring).
LATER = st.one_of(NUMBERS, st.sampled_from(["01", "007"]))
VERSIONS = st.builds(
    lambda numbers, letter, suffixes, hash_, build: numbers + letter + "".join(suffixes) + hash_ + build,
    st.builds(lambda first, rest: ".".join([first, *rest]), NUMBERS, st.lists(LATER, max_size=3)),
    optional(st.sampled_from("abz")),
    st.lists(SUFFIX, max_size=2),
    optional(st.sampled_from(["~abc123", "~0f"])),
    optional(NUMBERS, "-r"),
)


@pytest.mark.parametrize("vector", vector_params("alpine-versions.txt"))
def test_alpine_vectors(vector: Vector | None) -> None:
    assert_vector(ALPINE, vector)


@pytest.mark.parametrize("vector", vector_params("alpine-versions-generated.txt"))
def test_alpine_generated_vectors(vector: Vector | None) -> None:
    assert_vector(ALPINE, vector)


@pytest.mark.parametrize(
    ("version", "valid", "prerelease"),
    [
        ("1.2.3-r0", True, False),
        ("1.2.3_rc1-r2", True, True),
        ("1.2.3a_p1~abc-r1", True, False),
        ("5.1p1-r0", False, False),
        ("1-ruff", False, False),
        ("r1", False, False),
        ("", False, False),
    ],
    ids=["plain", "rc", "letter-patch-hash", "stray-text", "stray-after-build", "no-number", "empty"],
)
def test_validity_and_prerelease(version: str, valid: bool, prerelease: bool) -> None:
    assert ALPINE.is_valid(version) is valid
    assert ALPINE.is_prerelease(version) is prerelease


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("1.2_rc1", "1.2", -1),
        ("1.2_p1", "1.2", 1),
        ("1.01", "1.1", -1),
        ("1.2~abc", "1.2~def", 0),
        ("1.2-r10", "1.2-r9", 1),
        ("1.2_alpha_beta", "1.2_alpha", -1),
    ],
    ids=["rc", "patch", "leading-zero", "hash-ignored", "build", "second-suffix"],
)
def test_apk_rules(a: str, b: str, expected: int) -> None:
    assert ALPINE.compare(a, b) == expected


def test_two_malformed_versions_compare_as_text() -> None:
    assert ALPINE.compare("1.9.5p1-r1", "1.9.5p2-r1") == -1
    assert ALPINE.sort_key("1.9.5p1-r1") < ALPINE.sort_key("1.9.5p2-r1")


def test_names_and_suffixed_ecosystems() -> None:
    assert get("Alpine:v3.19") is ALPINE
    assert ALPINE.normalize_name("py3-Foo") == "py3-Foo"


@given(VERSIONS, VERSIONS, VERSIONS)
def test_alpine_order_properties(a: str, b: str, c: str) -> None:
    assert_ordered(ALPINE, a, b, c, exact_key=True)


@given(st.lists(VERSIONS, max_size=12))
def test_sort_key_sorts_like_compare(versions: list[str]) -> None:
    assert_sorts_alike(ALPINE, versions)


@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    assert_never_raises(ALPINE, text, "1.0-r0")


@given(st.text(alphabet="0123.abr_-~p", max_size=12))
def test_apk_like_text_never_raises(text: str) -> None:
    assert_never_raises(ALPINE, text, "1.0-r0")
