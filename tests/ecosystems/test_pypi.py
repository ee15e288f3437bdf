"""PyPI versions: PEP 440 through `packaging`, legacy strings sorted first by text."""

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
    optional,
)
from tests.ecosystems.vectors import Vector, vector_params

PYPI = get("PyPI")
VERSIONS = st.builds(
    lambda epoch, release, pre, post, dev, local: epoch + release + pre + post + dev + local,
    optional(NUMBERS.map(lambda e: e + "!")),
    dotted(NUMBERS, max_size=4),
    optional(st.builds(lambda p, n: p + n, st.sampled_from(["a", "b", "rc", ".alpha", "-pre"]), NUMBERS)),
    optional(NUMBERS, ".post"),
    optional(NUMBERS, ".dev"),
    optional(st.sampled_from(["local", "ubuntu.1", "7"]), "+"),
)


@pytest.mark.parametrize("vector", vector_params("pypi-versions.txt"))
def test_pypi_vectors(vector: Vector | None) -> None:
    assert_vector(PYPI, vector)


@pytest.mark.parametrize("vector", vector_params("pypi-versions-generated.txt"))
def test_pypi_generated_vectors(vector: Vector | None) -> None:
    assert_vector(PYPI, vector)


def test_huge_numbers_are_invalid_not_a_crash() -> None:
    assert not PYPI.is_valid("1" * 5000)
    assert PYPI.compare("1" * 5000, "0") == -1


@given(VERSIONS, VERSIONS, VERSIONS)
def test_pypi_order_properties(a: str, b: str, c: str) -> None:
    assert_ordered(PYPI, a, b, c, exact_key=True)


@given(st.lists(VERSIONS, max_size=12))
def test_sort_key_sorts_like_compare(versions: list[str]) -> None:
    assert_sorts_alike(PYPI, versions)


@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    assert_never_raises(PYPI, text, "1.0")
