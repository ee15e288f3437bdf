"""RPM versions (Red Hat, Rocky Linux, AlmaLinux, SUSE, openSUSE): rpmvercmp with epoch/release."""

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
    optional,
)
from tests.ecosystems.vectors import Vector, vector_params

REDHAT = get("Red Hat")
PIECES = st.text(alphabet="012ab.~^_+", max_size=6)
VERSIONS = st.builds(
    lambda epoch, version, release: epoch + version + release,
    optional(NUMBERS.map(lambda e: e + ":")),
    PIECES,
    optional(PIECES, "-"),
)


@pytest.mark.parametrize("vector", vector_params("redhat-versions.txt"))
def test_redhat_vectors(vector: Vector | None) -> None:
    assert_vector(REDHAT, vector)


@pytest.mark.parametrize("ecosystem", ["Red Hat", "Rocky Linux", "AlmaLinux", "SUSE", "openSUSE:Leap 15.5"])
def test_rpm_ecosystems(ecosystem: str) -> None:
    scheme = get(ecosystem)
    assert scheme.compare("0:1.0-1.el9", "1.0-1.el9_1") == -1
    assert scheme.compare("1.0~rc1", "1.0") == -1
    assert not scheme.is_prerelease("1.0~rc1")


@pytest.mark.parametrize(
    ("version", "valid"),
    [("1.0-1.el9", True), ("xyz", True), ("~", True), ("", False), ("x" * 2000, False)],
    ids=["nevra", "word", "tilde", "empty", "too-long"],
)
def test_validity(version: str, valid: bool) -> None:
    assert REDHAT.is_valid(version) is valid


@given(VERSIONS, VERSIONS, VERSIONS)
def test_rpm_order_properties(a: str, b: str, c: str) -> None:
    assert_ordered(REDHAT, a, b, c, exact_key=True)


@given(st.lists(VERSIONS, max_size=12))
def test_sort_key_sorts_like_compare(versions: list[str]) -> None:
    assert_sorts_alike(REDHAT, versions)


@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    assert_never_raises(REDHAT, text, "1.0-1")
