"""RubyGems versions: Gem::Version order."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osswatch.ecosystems import get
from tests.ecosystems.properties import (
    BIG_NUMBERS,
    assert_never_raises,
    assert_ordered,
    assert_sorts_alike,
    assert_vector,
)
from tests.ecosystems.vectors import Vector, vector_params

GEMS = get("RubyGems")
SEGMENT = st.one_of(BIG_NUMBERS, st.sampled_from(["a", "b", "beta", "pre", "rc", "rc1", "0a"]))
VERSIONS = st.builds(
    lambda first, rest, dash: first + "".join("." + s for s in rest) + dash,
    BIG_NUMBERS,
    st.lists(SEGMENT, max_size=4),
    st.sampled_from(["", "-1", "-beta"]),
)


@pytest.mark.parametrize("vector", vector_params("rubygems-versions.txt"))
def test_rubygems_vectors(vector: Vector | None) -> None:
    assert_vector(GEMS, vector)


@pytest.mark.parametrize("vector", vector_params("rubygems-versions-generated.txt"))
def test_rubygems_generated_vectors(vector: Vector | None) -> None:
    assert_vector(GEMS, vector)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("1.0.a", "1.a", 0),
        ("1.0.0", "1", 0),
        ("1.a.0.b", "1.a", -1),
        ("1.a.0.1", "1.a", 1),
        ("1.0-1", "1.0.pre.1", 0),
        ("1.0.rc1", "1.0.beta2", 1),
    ],
    ids=["zero-before-word", "trailing-zeros", "word-after-zero", "number-after-zero", "dash", "words"],
)
def test_gem_version_rules(a: str, b: str, expected: int) -> None:
    assert GEMS.compare(a, b) == expected


@pytest.mark.parametrize(
    ("version", "valid", "prerelease"),
    [
        ("1.2.3", True, False),
        ("1.2.3.pre", True, True),
        (" 1.0 ", True, False),
        ("1.0-beta", True, True),
        ("a1", False, False),
        ("1.0@", False, False),
    ],
    ids=["release", "pre", "spaces", "dash", "leading-letter", "symbol"],
)
def test_validity_and_prerelease(version: str, valid: bool, prerelease: bool) -> None:
    assert GEMS.is_valid(version) is valid
    assert GEMS.is_prerelease(version) is prerelease


@given(VERSIONS, VERSIONS, VERSIONS)
def test_rubygems_order_properties(a: str, b: str, c: str) -> None:
    assert_ordered(GEMS, a, b, c, exact_key=True)


@given(st.lists(VERSIONS, max_size=12))
def test_sort_key_sorts_like_compare(versions: list[str]) -> None:
    assert_sorts_alike(GEMS, versions)


@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    assert_never_raises(GEMS, text, "1.0")
