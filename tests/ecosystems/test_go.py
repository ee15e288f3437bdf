"""Go module versions: SemVer with `v`, `+incompatible` and pseudo-versions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osswatch.ecosystems import get
from osswatch.ecosystems.go import is_pseudo_version
from tests.ecosystems.properties import (
    NUMBERS,
    assert_never_raises,
    assert_ordered,
    assert_sorts_alike,
)

GO = get("Go")
TIMESTAMPS = st.integers(min_value=20180101000000, max_value=20251231235959).map(str)
HASHES = st.sampled_from(["abcdef123456", "0123456789ab", "ffffffffffff"])
RELEASES = st.builds(lambda a, b, c: f"v{a}.{b}.{c}", NUMBERS, NUMBERS, NUMBERS)
VERSIONS = st.one_of(
    RELEASES,
    RELEASES.map(lambda v: v + "+incompatible"),
    st.builds(lambda r, t, h: f"{r}-0.{t}-{h}", RELEASES, TIMESTAMPS, HASHES),
    st.builds(lambda t, h: f"v0.0.0-{t}-{h}", TIMESTAMPS, HASHES),
    RELEASES.map(lambda v: v + "-rc.1"),
)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("v1.2.3", "1.2.3", 0),
        ("v2.0.0+incompatible", "v2.0.0", 0),
        ("v0.0.0-20191109021931-daa7c04131f5", "v0.0.1", -1),
        ("v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.3", 1),
        ("v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.4", -1),
        ("v0.0.0-20191109021931-daa7c04131f5", "v0.0.0-20201109021931-daa7c04131f5", -1),
        ("v1.10.0", "v1.9.9", 1),
    ],
    ids=[
        "v-prefix",
        "incompatible",
        "pseudo-base",
        "pseudo-after",
        "pseudo-before",
        "pseudo-time",
        "numeric",
    ],
)
def test_go_order(a: str, b: str, expected: int) -> None:
    assert GO.compare(a, b) == expected


@pytest.mark.parametrize(
    ("version", "pseudo", "prerelease"),
    [
        ("v0.0.0-20191109021931-daa7c04131f5", True, True),
        ("v1.2.4-0.20191109021931-daa7c04131f5", True, True),
        ("v1.2.4-pre.0.20191109021931-daa7c04131f5+incompatible", True, True),
        ("v1.2.3", False, False),
        ("v1.2.3-rc.1", False, True),
        ("v2.0.0+incompatible", False, False),
    ],
    ids=["base", "patch", "pre-incompatible", "release", "rc", "incompatible"],
)
def test_pseudo_versions(version: str, pseudo: bool, prerelease: bool) -> None:
    assert is_pseudo_version(version) is pseudo
    assert GO.is_prerelease(version) is prerelease


def test_module_paths_keep_their_case() -> None:
    assert GO.normalize_name("github.com/Azure/go-autorest") == "github.com/Azure/go-autorest"


@given(VERSIONS, VERSIONS, VERSIONS)
def test_go_order_properties(a: str, b: str, c: str) -> None:
    assert_ordered(GO, a, b, c, exact_key=True)


@given(st.lists(VERSIONS, max_size=12))
def test_sort_key_sorts_like_compare(versions: list[str]) -> None:
    assert_sorts_alike(GO, versions)


@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    assert_never_raises(GO, text, "v1.0.0")
