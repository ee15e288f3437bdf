"""CRAN versions: numbers joined by `.` or `-`."""

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
)
from tests.ecosystems.vectors import Vector, vector_files, vector_params

CRAN = get("CRAN")
VERSIONS = st.builds(
    lambda first, rest: first + "".join(rest),
    NUMBERS,
    st.lists(st.tuples(st.sampled_from([".", "-"]), NUMBERS).map("".join), max_size=4),
)


def test_both_vector_files_are_found() -> None:
    assert vector_files("cran") == ["cran-versions-generated.txt", "cran-versions.txt"]


@pytest.mark.parametrize("vector", vector_params("cran-versions.txt"))
def test_cran_vectors(vector: Vector | None) -> None:
    assert_vector(CRAN, vector)


@pytest.mark.parametrize("vector", vector_params("cran-versions-generated.txt"))
def test_cran_generated_vectors(vector: Vector | None) -> None:
    assert_vector(CRAN, vector)


@pytest.mark.parametrize(
    ("version", "valid"),
    [("1.0-2", True), ("0.01.0", True), ("1.0a", False), ("1..0", False), ("", False), ("-1", False)],
    ids=["dash", "zeros", "letter", "double-dot", "empty", "leading-dash"],
)
def test_validity(version: str, valid: bool) -> None:
    assert CRAN.is_valid(version) is valid
    assert not CRAN.is_prerelease(version)


@given(VERSIONS, VERSIONS, VERSIONS)
def test_cran_order_properties(a: str, b: str, c: str) -> None:
    assert_ordered(CRAN, a, b, c, exact_key=True)


@given(st.lists(VERSIONS, max_size=12))
def test_sort_key_sorts_like_compare(versions: list[str]) -> None:
    assert_sorts_alike(CRAN, versions)


@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    assert_never_raises(CRAN, text, "1.0")
