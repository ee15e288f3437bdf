"""Hackage versions: dot-separated numbers, compared as lists."""

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
    dotted,
)
from tests.ecosystems.vectors import Vector, vector_params

HACKAGE = get("Hackage")
VERSIONS = dotted(NUMBERS)


@pytest.mark.parametrize("vector", vector_params("hackage-versions.txt"))
def test_hackage_vectors(vector: Vector | None) -> None:
    assert_vector(HACKAGE, vector)


@pytest.mark.parametrize(
    ("version", "valid"),
    [("0.1.26.0", True), ("1", True), ("1.0-r1", False), ("1.", False), ("", False)],
    ids=["four", "one", "revision", "trailing-dot", "empty"],
)
def test_validity(version: str, valid: bool) -> None:
    assert HACKAGE.is_valid(version) is valid
    assert not HACKAGE.is_prerelease(version)


@given(VERSIONS, VERSIONS, VERSIONS)
def test_hackage_order_properties(a: str, b: str, c: str) -> None:
    assert_ordered(HACKAGE, a, b, c, exact_key=True)


@given(st.lists(VERSIONS, max_size=12))
def test_sort_key_sorts_like_compare(versions: list[str]) -> None:
    assert_sorts_alike(HACKAGE, versions)


@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    assert_never_raises(HACKAGE, text, "1.0")
