"""The shared key helpers: `padded` sequences and the KeyedScheme wrapper."""

from __future__ import annotations

from itertools import zip_longest

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osswatch.ecosystems.keyed import INVALID, MAX_LENGTH, VALID, KeyedScheme, padded
from tests.ecosystems.properties import sign


def _padded_compare(a: list[int], b: list[int]) -> int:
    """The reference: compare element-wise with the shorter list filled with zeros."""
    for x, y in zip_longest(a, b, fillvalue=0):
        if x != y:
            return sign(x, y)
    return 0


def _key(values: list[int]) -> tuple[object, ...]:
    return padded(values, 0, below=lambda value: value < 0)


@given(st.lists(st.integers(-2, 2), max_size=6), st.lists(st.integers(-2, 2), max_size=6))
def test_padded_matches_zero_filled_comparison(a: list[int], b: list[int]) -> None:
    assert sign(_key(a), _key(b)) == _padded_compare(a, b)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [([1], [1, 0, 0], 0), ([1], [1, 0, -1], 1), ([1, 0, 1], [1], 1), ([], [0, -3], 1)],
    ids=["zeros", "negative-after-zero", "positive-after-zero", "empty"],
)
def test_padded_cases(a: list[int], b: list[int], expected: int) -> None:
    assert sign(_key(a), _key(b)) == expected


def _digits(version: str) -> tuple[int, ...] | None:
    return (int(version),) if version.isdigit() else None


SCHEME = KeyedScheme(name="Digits", ecosystem="PyPI", parse=_digits)


def test_keyed_scheme_invalid_key_sorts_first() -> None:
    assert SCHEME.sort_key("x") == (INVALID, "x")
    assert SCHEME.sort_key("12") == (VALID, (12,))
    assert SCHEME.compare("zzz", "0") == -1
    assert not SCHEME.is_prerelease("1")
    assert SCHEME.normalize_name("Foo_Bar") == "foo-bar"


def test_keyed_scheme_refuses_overlong_strings() -> None:
    assert SCHEME.is_valid("9" * MAX_LENGTH)
    assert not SCHEME.is_valid("9" * (MAX_LENGTH + 1))
    assert SCHEME.sort_key("9" * 5000)[0] == INVALID
