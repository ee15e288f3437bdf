"""NuGet versions: four numbers, case-insensitive labels."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osswatch.ecosystems import get
from tests.ecosystems.properties import (
    BIG_NUMBERS,
    NUMBERS,
    assert_never_raises,
    assert_ordered,
    assert_sorts_alike,
    assert_vector,
    dotted,
    optional,
)
from tests.ecosystems.vectors import Vector, vector_params

NUGET = get("NuGet")
LABEL = st.one_of(NUMBERS, st.sampled_from(["alpha", "BETA", "beta", "rc", "Pre", "x1"]))
VERSIONS = st.builds(
    lambda core, pre, meta: core + pre + meta,
    dotted(BIG_NUMBERS, max_size=4),
    optional(dotted(LABEL, max_size=3), "-"),
    optional(st.sampled_from(["sha.1", "AA"]), "+"),
)


@pytest.mark.parametrize("vector", vector_params("nuget-versions.txt"))
def test_nuget_vectors(vector: Vector | None) -> None:
    assert_vector(NUGET, vector)


@pytest.mark.parametrize(
    ("version", "valid", "prerelease"),
    [("1.0.0.0", True, False), ("1.0.0-Beta", True, True), ("1.0+meta", True, False), ("abc", False, False)],
    ids=["four", "label", "meta", "word"],
)
def test_validity_and_prerelease(version: str, valid: bool, prerelease: bool) -> None:
    assert NUGET.is_valid(version) is valid
    assert NUGET.is_prerelease(version) is prerelease


def test_names_are_case_insensitive() -> None:
    assert NUGET.normalize_name("Newtonsoft.Json") == "newtonsoft.json"


@given(VERSIONS, VERSIONS, VERSIONS)
def test_nuget_order_properties(a: str, b: str, c: str) -> None:
    assert_ordered(NUGET, a, b, c, exact_key=True)


@given(st.lists(VERSIONS, max_size=12))
def test_sort_key_sorts_like_compare(versions: list[str]) -> None:
    assert_sorts_alike(NUGET, versions)


@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    assert_never_raises(NUGET, text, "1.0.0")
