"""Order properties every version scheme must have, shared by the per-scheme Hypothesis tests."""

from __future__ import annotations

from hypothesis import strategies as st

from osswatch.ecosystems.base import VersionScheme
from osswatch.ecosystems.keyed import INVALID, VALID
from tests.ecosystems.vectors import Vector


def sign(a: object, b: object) -> int:
    """-1/0/1 by Python's `<` on two keys."""
    return int(a > b) - int(a < b)  # type: ignore[operator]


def assert_vector(scheme: VersionScheme, vector: Vector | None) -> None:
    """The scheme orders one vector line as it says, both ways round."""
    assert vector is not None, "the vector file is missing from shared/data/versions"
    assert scheme.compare(vector.left, vector.right) == vector.expected
    assert scheme.compare(vector.right, vector.left) == -vector.expected


def assert_ordered(scheme: VersionScheme, a: str, b: str, c: str, *, exact_key: bool) -> None:
    """Reflexive, antisymmetric, transitive on (a, b, c); `sort_key` agrees when `exact_key`."""
    assert scheme.compare(a, a) == 0
    assert scheme.compare(a, b) == -scheme.compare(b, a)
    if exact_key:
        assert scheme.compare(a, b) == sign(scheme.sort_key(a), scheme.sort_key(b))
    for x, y, z in ((a, b, c), (a, c, b), (b, a, c), (b, c, a), (c, a, b), (c, b, a)):
        if scheme.compare(x, y) <= 0 and scheme.compare(y, z) <= 0:
            assert scheme.compare(x, z) <= 0, (x, y, z)


def assert_sorts_alike(scheme: VersionScheme, versions: list[str]) -> None:
    """Sorting by `sort_key` and sorting by `compare` put every pair in the same order."""
    by_key = sorted(versions, key=scheme.sort_key)
    for index, earlier in enumerate(by_key):
        for later in by_key[index + 1 :]:
            assert scheme.compare(earlier, later) <= 0, (earlier, later)


def assert_never_raises(scheme: VersionScheme, text: str, valid: str) -> None:
    """Any string gets a key, a comparison, a validity and a pre-release answer."""
    key = scheme.sort_key(text)
    assert key[0] in (INVALID, VALID)
    assert scheme.compare(text, text) == 0
    assert scheme.compare(text, valid) == -scheme.compare(valid, text)
    assert isinstance(scheme.is_valid(text), bool)
    assert isinstance(scheme.is_prerelease(text), bool)
    if key[0] == INVALID:
        assert scheme.compare(text, valid) == -1
        assert not scheme.is_prerelease(text)


NUMBERS = st.integers(min_value=0, max_value=30).map(str)
"""Small numbers, so that generated versions often collide and compare equal."""
BIG_NUMBERS = st.one_of(NUMBERS, st.integers(min_value=0, max_value=10**30).map(str))


def dotted(parts: st.SearchStrategy[str], separator: str = ".", max_size: int = 5) -> st.SearchStrategy[str]:
    """1 to `max_size` parts joined by `separator`."""
    return st.lists(parts, min_size=1, max_size=max_size).map(separator.join)


def optional(strategy: st.SearchStrategy[str], prefix: str = "") -> st.SearchStrategy[str]:
    """Either nothing or `prefix` + a drawn value."""
    return st.one_of(st.just(""), strategy.map(lambda value: prefix + value))
