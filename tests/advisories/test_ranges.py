"""Compiled OSV ranges: a binary search that agrees with the spec's sort-and-walk evaluation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osswatch.advisories.ranges import ZERO, CompiledRange, compile_range
from osswatch.model import Event, EventKind

INTRODUCED, FIXED, LAST, LIMIT = (
    EventKind.INTRODUCED,
    EventKind.FIXED,
    EventKind.LAST_AFFECTED,
    EventKind.LIMIT,
)


def _events(*pairs: tuple[EventKind, str]) -> list[Event]:
    return [Event(kind=kind, version=version) for kind, version in pairs]


def _compiled(events: list[Event]) -> CompiledRange:
    """The range of `events` compiled as matching compiles one: `(kind, version)` pairs."""
    return compile_range([(event.kind.value, event.version) for event in events], int)


def _walk(events: list[Event], point: int) -> bool:
    """The spec's pseudo-code, literally (https://ossf.github.io/osv-schema/#evaluation)."""
    limits = [e for e in events if e.kind is LIMIT]
    if limits and not any(e.version == "*" or point < int(e.version) for e in limits):
        return False
    ordered = sorted(
        (e for e in events if e.kind is not LIMIT),
        key=lambda e: -1 if e.kind is INTRODUCED and e.version == ZERO else int(e.version),
    )
    vulnerable = False
    for event in ordered:
        bound = -1 if event.kind is INTRODUCED and event.version == ZERO else int(event.version)
        if event.kind is INTRODUCED and point >= bound:
            vulnerable = True
        elif (event.kind is FIXED and point >= bound) or (event.kind is LAST and point > bound):
            vulnerable = False
    return vulnerable


CASES = [
    ("introduced-zero", _events((INTRODUCED, "0")), {1: True, 100: True}),
    ("window", _events((INTRODUCED, "2"), (FIXED, "5")), {1: False, 2: True, 4: True, 5: False}),
    ("last-affected", _events((INTRODUCED, "2"), (LAST, "5")), {5: True, 6: False}),
    (
        "two-windows",
        _events((INTRODUCED, "1"), (FIXED, "3"), (INTRODUCED, "5"), (FIXED, "7")),
        {0: False, 2: True, 3: False, 4: False, 5: True, 7: False},
    ),
    ("fixed-and-introduced-same", _events((FIXED, "3"), (INTRODUCED, "3")), {2: False, 3: True, 4: True}),
    ("introduced-then-last-same", _events((INTRODUCED, "3"), (LAST, "3")), {3: True, 4: False}),
    ("unordered-events", _events((FIXED, "5"), (INTRODUCED, "2")), {2: True, 5: False}),
    ("limit", _events((INTRODUCED, "0"), (LIMIT, "4")), {3: True, 4: False}),
    ("limit-star", _events((INTRODUCED, "0"), (LIMIT, "4"), (LIMIT, "*")), {9: True}),
    ("highest-limit-counts", _events((INTRODUCED, "0"), (LIMIT, "4"), (LIMIT, "6")), {5: True, 6: False}),
    ("only-fixed", _events((FIXED, "3")), {1: False, 9: False}),
    ("no-events", [], {1: False}),
]


@pytest.mark.parametrize(("events", "expected"), [(e, x) for _, e, x in CASES], ids=[c[0] for c in CASES])
def test_compiled_range(events: list[Event], expected: dict[int, bool]) -> None:
    compiled = _compiled(events)
    assert {point: compiled.contains(point) for point in expected} == expected


_EVENT = st.builds(
    Event,
    kind=st.sampled_from(list(EventKind)),
    version=st.integers(min_value=0, max_value=8).map(str) | st.just("*"),
).filter(lambda e: e.version != "*" or e.kind is LIMIT)


@given(events=st.lists(_EVENT, max_size=8), point=st.integers(min_value=0, max_value=9))
def test_compiled_range_agrees_with_the_walk(events: list[Event], point: int) -> None:
    assert _compiled(events).contains(point) is _walk(events, point)


def test_versions_between_and_beyond_bounds() -> None:
    compiled = _compiled(_events((INTRODUCED, "10"), (FIXED, "20")))
    assert [compiled.contains(p) for p in (-5, 9, 10, 15, 19, 20, 1000)] == [
        False,
        False,
        True,
        True,
        True,
        False,
        False,
    ]
