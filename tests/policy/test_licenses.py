"""SPDX expressions as choices: OR needs one allowed branch, AND needs all; deny-lists are the dual."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osswatch.policy.licenses import MAX_CHOICES, choices, is_allowed, is_denied

CASES = [
    ("MIT", ["MIT"], True, False),
    ("mit", ["MIT"], True, False),
    ("MIT OR GPL-3.0-only", ["MIT"], True, False),
    ("MIT AND GPL-3.0-only", ["MIT"], False, True),
    ("(MIT OR Apache-2.0) AND BSD-3-Clause", ["Apache-2.0", "BSD-3-Clause"], True, False),
    ("GPL-2.0-only WITH Classpath-exception-2.0", ["GPL-2.0-only WITH Classpath-exception-2.0"], True, False),
    ("GPL-2.0-only WITH Classpath-exception-2.0", ["MIT"], False, False),
    ("Some Custom Licence ((", ["MIT"], False, False),
]


@pytest.mark.parametrize(
    ("expression", "allowed", "is_ok", "is_refused"),
    CASES,
    ids=[
        "single",
        "case-insensitive",
        "or-branch",
        "and-all",
        "nested",
        "with-whole",
        "with-other",
        "unparsable",
    ],
)
def test_allow_and_deny(expression: str, allowed: list[str], is_ok: bool, is_refused: bool) -> None:
    assert is_allowed([expression], allowed) is is_ok
    assert is_denied([expression], ["GPL-3.0-only", "GPL-2.0-only"]) is (is_refused or "WITH" in expression)


def test_several_entries_all_apply() -> None:
    assert not is_allowed(["MIT", "GPL-3.0-only"], ["MIT"])
    assert is_denied(["MIT", "GPL-3.0-only"], ["GPL-3.0-only"])
    assert choices([]) == []
    assert not is_allowed([], ["MIT"])
    assert not is_denied([], ["MIT"])


def test_choices_are_bounded() -> None:
    wide = " AND ".join(f"(L{i}a OR L{i}b)" for i in range(12))  # 4096 combinations
    assert len(choices([wide])) == MAX_CHOICES


IDS = st.sampled_from(["MIT", "Apache-2.0", "BSD-3-Clause", "GPL-3.0-only", "ISC"])


@given(st.lists(IDS, min_size=1, max_size=4), st.lists(IDS, max_size=5))
def test_or_is_allowed_iff_some_branch_is(branches: list[str], allowed: list[str]) -> None:
    assert is_allowed([" OR ".join(branches)], allowed) is any(b in allowed for b in branches)


@given(st.lists(IDS, min_size=1, max_size=4), st.lists(IDS, max_size=5))
def test_and_is_allowed_iff_every_part_is(parts: list[str], allowed: list[str]) -> None:
    assert is_allowed([" AND ".join(parts)], allowed) is all(p in allowed for p in parts)
    assert is_denied([" AND ".join(parts)], allowed) is any(p in allowed for p in parts)
