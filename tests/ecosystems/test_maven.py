"""Maven versions: ComparableVersion order."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osswatch.ecosystems import get
from osswatch.ecosystems.maven import tokenize
from tests.ecosystems.properties import (
    NUMBERS,
    assert_never_raises,
    assert_ordered,
    assert_sorts_alike,
    assert_vector,
    dotted,
)
from tests.ecosystems.vectors import Vector, vector_params

MAVEN = get("Maven")
QUALIFIER = st.sampled_from(
    ["alpha", "beta", "milestone", "rc", "cr", "SNAPSHOT", "ga", "final", "RELEASE", "a1", "b2", "m3", "RC1"]
)
# Numbers and the known qualifiers after `.` or `-`: Maven's order is transitive there (it is
# not with `sp` or unknown qualifiers, see the maven module docstring).
VERSIONS = st.builds(
    lambda numbers, tails: numbers + "".join(tails),
    dotted(NUMBERS, max_size=4),
    st.lists(
        st.tuples(st.sampled_from([".", "-"]), st.one_of(QUALIFIER, NUMBERS)).map("".join),
        max_size=3,
    ),
)


@pytest.mark.parametrize("vector", vector_params("maven-versions.txt"))
def test_maven_vectors(vector: Vector | None) -> None:
    assert_vector(MAVEN, vector)


@pytest.mark.parametrize("vector", vector_params("maven-versions-generated.txt"))
def test_maven_generated_vectors(vector: Vector | None) -> None:
    assert_vector(MAVEN, vector)


@pytest.mark.parametrize(
    ("version", "tokens"),
    [
        ("1.0.0", [("", "1")]),
        ("1.0-alpha-1", [("", "1"), ("-", "alpha"), ("-", "1")]),
        ("1a1", [("", "1"), ("-", "alpha"), ("-", "1")]),
        ("1.0.RELEASE", [("", "1")]),
        ("1..2", [("", "1"), (".", "0"), (".", "2")]),
        ("1.0-ga.1", [("", "1"), ("-", ""), (".", "1")]),
        ("1.CR2", [("", "1"), (".", "rc"), ("-", "2")]),
    ],
    ids=["zeros", "alpha", "short-alpha", "release", "empty-part", "ga-kept", "cr"],
)
def test_tokenize(version: str, tokens: list[tuple[str, str]]) -> None:
    assert tokenize(version) == tokens


@pytest.mark.parametrize(
    ("version", "prerelease"),
    [
        ("1.0-SNAPSHOT", True),
        ("1.0.0-M1", True),
        ("2.0.0.RC1", True),
        ("1.0-CR1", True),
        ("1.0.Final", False),
        ("1.0-sp1", False),
    ],
    ids=["snapshot", "milestone", "rc", "cr", "final", "sp"],
)
def test_prerelease(version: str, prerelease: bool) -> None:
    assert MAVEN.is_prerelease(version) is prerelease


def test_non_transitive_corner_is_exact_in_compare() -> None:
    """Real Maven data needs the exact (non-transitive) comparison, see maven-versions-generated."""
    a, b = "1.0.0-gradle-rework-beta3", "1.0.0.RC7-3"
    assert MAVEN.compare(a, b) == -1
    assert MAVEN.compare(b, "1") == -1
    assert MAVEN.compare("1", a) == -1


def test_empty_is_invalid() -> None:
    assert not MAVEN.is_valid("")
    assert MAVEN.compare("", "0") == -1
    assert MAVEN.normalize_name("org.Apache:Foo") == "org.Apache:Foo"


@given(VERSIONS, VERSIONS, VERSIONS)
def test_maven_order_properties(a: str, b: str, c: str) -> None:
    assert_ordered(MAVEN, a, b, c, exact_key=True)


@given(st.lists(VERSIONS, max_size=12))
def test_sort_key_sorts_like_compare(versions: list[str]) -> None:
    assert_sorts_alike(MAVEN, versions)


@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    assert_never_raises(MAVEN, text, "1.0")


@given(st.text(alphabet="01.-aAbrcsp", max_size=12), st.text(alphabet="01.-aAbrcsp", max_size=12))
def test_compare_is_antisymmetric_on_any_text(a: str, b: str) -> None:
    assert MAVEN.compare(a, b) == -MAVEN.compare(b, a)
    assert MAVEN.compare(a, a) == 0
