"""SemVer ordering (npm, crates.io, Hex, SwiftURL, …, the OSV SEMVER type) and Pub's variant."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osswatch.ecosystems import get, semver_scheme
from osswatch.ecosystems.semver import parse_semver_like
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

SEMVER = semver_scheme()
PUB = get("Pub")

IDENTIFIER = st.one_of(NUMBERS, st.sampled_from(["alpha", "beta", "rc", "x", "Foo", "a-b", "0a"]))
VERSIONS = st.builds(
    lambda v, core, pre, build: v + core + pre + build,
    st.sampled_from(["", "v"]),
    dotted(BIG_NUMBERS, max_size=3),
    optional(dotted(IDENTIFIER, max_size=3), "-"),
    optional(dotted(IDENTIFIER, max_size=2), "+"),
)


@pytest.mark.parametrize("vector", vector_params("semver-versions.txt"))
def test_semver_vectors(vector: Vector | None) -> None:
    assert_vector(SEMVER, vector)


@pytest.mark.parametrize("vector", vector_params("pub-versions.txt"))
def test_pub_vectors(vector: Vector | None) -> None:
    assert_vector(PUB, vector)


@pytest.mark.parametrize(
    ("version", "parsed"),
    [
        ("1.2.3", ((1, 2, 3), "", "")),
        ("v1.2", ((1, 2, 0), "", "")),
        ("1.2.3-rc.1+build.5", ((1, 2, 3), "rc.1", "build.5")),
        ("1.2.3.4", ((1, 2, 3), ".4", "")),
        ("1.2.3beta", ((1, 2, 3), "beta", "")),
        ("1.0.0+", ((1, 0, 0), "", "")),
        ("v", None),
        ("", None),
        ("beta", None),
    ],
    ids=["full", "v-short", "pre-build", "fourth-number", "no-hyphen", "empty-build", "v", "empty", "word"],
)
def test_parse_semver_like(version: str, parsed: object) -> None:
    assert parse_semver_like(version, 3) == parsed


@pytest.mark.parametrize(
    ("version", "valid", "prerelease"),
    [
        ("1.0.0", True, False),
        ("1.0.0-alpha.1", True, True),
        ("1.0.0+build", True, False),
        ("v2.0.0-rc1", True, True),
        ("latest", False, False),
        ("", False, False),
    ],
    ids=["release", "pre", "build", "v-pre", "word", "empty"],
)
def test_validity_and_prerelease(version: str, valid: bool, prerelease: bool) -> None:
    assert SEMVER.is_valid(version) is valid
    assert SEMVER.is_prerelease(version) is prerelease


@pytest.mark.parametrize(
    "ecosystem", ["npm", "crates.io", "Hex", "SwiftURL", "Bitnami", "GitHub Actions", "SemVer"]
)
def test_semver_ecosystems_share_the_order(ecosystem: str) -> None:
    scheme = get(ecosystem)
    assert scheme.name == ecosystem
    assert scheme.compare("1.0.0-rc.1", "1.0.0") == -1
    assert scheme.compare("v1.0.0+a", "1.0.0+b") == 0


def test_names_follow_the_ecosystem() -> None:
    assert get("Hex").normalize_name("Plug") == "plug"
    assert get("npm").normalize_name("@Scope/Pkg") == "@Scope/Pkg"
    assert SEMVER.normalize_name("Name") == "Name"


def test_invalid_sorts_first_by_text() -> None:
    assert SEMVER.compare("banana", "0.0.0-0") == -1
    assert SEMVER.compare("apple", "banana") == -1


@given(VERSIONS, VERSIONS, VERSIONS)
def test_semver_order_properties(a: str, b: str, c: str) -> None:
    assert_ordered(SEMVER, a, b, c, exact_key=True)
    assert_ordered(PUB, a, b, c, exact_key=True)


@given(st.lists(VERSIONS, max_size=12))
def test_sort_key_sorts_like_compare(versions: list[str]) -> None:
    assert_sorts_alike(SEMVER, versions)
    assert_sorts_alike(PUB, versions)


@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    assert_never_raises(SEMVER, text, "1.0.0")
    assert_never_raises(PUB, text, "1.0.0")


@given(VERSIONS, VERSIONS)
def test_pub_refines_semver(a: str, b: str) -> None:
    """Pub only breaks SemVer's ties (by build metadata), never reverses them."""
    if SEMVER.compare(a, b):
        assert PUB.compare(a, b) == SEMVER.compare(a, b)
