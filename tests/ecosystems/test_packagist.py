"""Packagist (Composer) versions: PHP version_compare order."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osswatch.ecosystems import get
from osswatch.ecosystems.packagist import canonical_parts, compare_packagist
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

PACKAGIST = get("Packagist")
STABILITY = st.sampled_from(["dev", "alpha", "a", "beta", "b", "RC", "rc", "p", "pl", "patch", "foo"])
VERSIONS = st.builds(
    lambda v, core, sep, stability, number: v + core + (sep + stability + number if stability else ""),
    st.sampled_from(["", "v", "V"]),
    dotted(BIG_NUMBERS, max_size=4),
    st.sampled_from(["", "-", ".", "_", "+"]),
    optional(STABILITY),
    optional(NUMBERS),
)


@pytest.mark.parametrize("vector", vector_params("packagist-versions.txt"))
def test_packagist_vectors(vector: Vector | None) -> None:
    assert_vector(PACKAGIST, vector)


@pytest.mark.parametrize("vector", vector_params("packagist-versions-generated.txt"))
def test_packagist_generated_vectors(vector: Vector | None) -> None:
    assert_vector(PACKAGIST, vector)


@pytest.mark.parametrize(
    ("version", "parts"),
    [
        ("v1.0-RC1", ["1", "0", "RC", "1"]),
        ("1.0.0beta2", ["1", "0", "0", "beta", "2"]),
        ("dev-main", ["dev", "main"]),
        ("1..2", ["1", "", "2"]),
        ("1.2.3.#", ["1", "2", "3", "#"]),
    ],
    ids=["rc", "glued", "branch", "empty-part", "hash"],
)
def test_canonical_parts(version: str, parts: list[str]) -> None:
    assert canonical_parts(version) == parts


@pytest.mark.parametrize(
    ("version", "valid", "prerelease"),
    [
        ("1.0.0", True, False),
        ("1.0.0-RC1", True, True),
        ("2.0.x-dev", True, True),
        ("1.0.0-beta.2", True, True),
        ("1.0.0-p1", True, False),
        ("", False, False),
    ],
    ids=["stable", "rc", "dev-branch", "beta", "patch", "empty"],
)
def test_validity_and_prerelease(version: str, valid: bool, prerelease: bool) -> None:
    assert PACKAGIST.is_valid(version) is valid
    assert PACKAGIST.is_prerelease(version) is prerelease


def test_names_are_case_insensitive() -> None:
    assert PACKAGIST.normalize_name("Symfony/Console") == "symfony/console"


@given(VERSIONS, VERSIONS, VERSIONS)
def test_packagist_order_properties(a: str, b: str, c: str) -> None:
    assert_ordered(PACKAGIST, a, b, c, exact_key=True)


@given(VERSIONS, VERSIONS)
def test_keys_agree_with_the_exact_algorithm(a: str, b: str) -> None:
    """Without a `#` part, the tuple keys give exactly what version_compare gives."""
    assert PACKAGIST.compare(a, b) == compare_packagist(a, b)


@given(st.lists(VERSIONS, max_size=12))
def test_sort_key_sorts_like_compare(versions: list[str]) -> None:
    assert_sorts_alike(PACKAGIST, versions)


@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    assert_never_raises(PACKAGIST, text, "1.0")


@given(st.text(alphabet="01.#-pa", max_size=10), st.text(alphabet="01.#-pa", max_size=10))
def test_hash_parts_stay_antisymmetric(a: str, b: str) -> None:
    assert PACKAGIST.compare(a, b) == -PACKAGIST.compare(b, a)
