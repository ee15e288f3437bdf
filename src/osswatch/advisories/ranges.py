"""One OSV range compiled once into sorted boundaries, so testing a version is a binary search.

The spec's walk (https://ossf.github.io/osv-schema/#evaluation) sorts a range's events by version
and applies, in that order, every event at or below the version (`last_affected` only strictly
below): the outcome is the effect of the *last* event applied. Events sorted, the events applied are
those with a bound below the version, then those equal to it except `last_affected`. So for each
distinct bound two outcomes are precomputed — for a version equal to it and for one just above — and
evaluating a version is one `bisect` instead of a sort and a walk per (version, range).
`introduced: "0"` sorts before every version: it sets the outcome below the first bound.
A range's `limit` events keep only versions below the highest of them (`*`: no limit).

Which bounds count depends on the installed version (see `osswatch.advisories.match`): for a valid
one, a `fixed`, `last_affected` or `limit` the scheme cannot parse is left out; so each range is
compiled once per order for valid and once for invalid installed versions, and cached.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from typing import Any, assert_never

from osswatch import ecosystems
from osswatch.model import AffectedRange, Event, EventKind

ZERO = "0"
"""`introduced: "0"`: before every version (https://ossf.github.io/osv-schema/#special-values)."""
INFINITY = "*"
"""A `limit` containing `*` is infinity."""


@dataclass(frozen=True, slots=True)
class CompiledRange:
    """A range's events as sorted distinct bounds, with the walk's outcome at and above each."""

    bounds: tuple[Any, ...]
    """Distinct sort keys of the usable events' versions, ascending."""
    at: tuple[bool, ...]
    """The outcome for a version equal to `bounds[i]`."""
    above: tuple[bool, ...]
    """The outcome for a version above `bounds[i]` and below `bounds[i + 1]`."""
    opened: bool
    """The outcome below every bound: True when the range has `introduced: "0"`."""
    limit: Any = None
    """Versions at or above this sort key are outside the range; None when there is no limit."""

    def contains(self, point: Any) -> bool:
        """The spec's `IncludedInRanges` for a version whose sort key is `point`."""
        if self.limit is not None and not point < self.limit:
            return False
        index = bisect_left(self.bounds, point)
        if index < len(self.bounds) and not point < self.bounds[index]:
            return self.at[index]  # bisect_left: bounds[index] >= point, and not above it
        return self.above[index - 1] if index else self.opened


def compile_range(events: Iterable[Event], key: Callable[[str], Any]) -> CompiledRange:
    """The compiled form of the usable `events` of one range, ordered by `key`."""
    walk: list[tuple[Any, EventKind]] = []
    opened = False
    limits: list[Any] = []
    unlimited = False
    for event in events:
        if event.kind is EventKind.LIMIT:
            unlimited = unlimited or INFINITY in event.version
            if INFINITY not in event.version:
                limits.append(key(event.version))
        elif event.kind is EventKind.INTRODUCED and event.version == ZERO:
            opened = True
        else:
            walk.append((key(event.version), event.kind))
    # A stable sort on the version alone: events at the same version keep the record's order.
    walk.sort(key=itemgetter(0))
    bounds: list[Any] = []
    at: list[bool] = []
    above: list[bool] = []
    for bound, group in groupby(walk, key=itemgetter(0)):
        kinds = [kind for _, kind in group]
        below = above[-1] if above else opened
        bounds.append(bound)
        at.append(_outcome_at(kinds, below))
        above.append(_effect(kinds[-1]))
    limit = None if unlimited or not limits else max(limits)
    return CompiledRange(tuple(bounds), tuple(at), tuple(above), opened, limit)


def _outcome_at(kinds: list[EventKind], below: bool) -> bool:
    """At a bound every event applies but `last_affected` (strict): the last one applied wins."""
    applied = [kind for kind in kinds if kind is not EventKind.LAST_AFFECTED]
    return _effect(applied[-1]) if applied else below


def _effect(kind: EventKind) -> bool:
    """The state an applied event leaves: affected after `introduced`, not after the others."""
    match kind:
        case EventKind.INTRODUCED:
            return True
        case EventKind.FIXED | EventKind.LAST_AFFECTED | EventKind.LIMIT:
            return False
        case _:
            assert_never(kind)


class Order:
    """How the versions of one range compare: a scheme, optionally reading `v1.2.3` as `1.2.3`."""

    __slots__ = ("is_valid", "key")

    def __init__(self, scheme: ecosystems.VersionScheme, *, strip_v: bool = False) -> None:
        # Bound methods, not wrappers: keys are computed for every listed and event version.
        self.key: Callable[[str], Any] = scheme.sort_key
        self.is_valid: Callable[[str], bool] = scheme.is_valid
        if strip_v:
            self.key = lambda version: scheme.sort_key(_without_v(version))
            self.is_valid = lambda version: scheme.is_valid(_without_v(version))


def _without_v(version: str) -> str:
    """`v1.2.3` → `1.2.3`: Go module versions carry a `v` that SemVer 2.0 does not allow."""
    return version[1:] if version[:1] in ("v", "V") else version


class Installed:
    """The version being evaluated, with its sort key and validity under each order computed once."""

    __slots__ = ("_keys", "_valid", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._keys: dict[Order, Any] = {}
        self._valid: dict[Order, bool] = {}

    def key(self, order: Order) -> Any:
        """The version's sort key in `order`."""
        if order not in self._keys:
            self._keys[order] = order.key(self.text)
        return self._keys[order]

    def is_valid(self, order: Order) -> bool:
        """True when the version is well-formed in `order`."""
        if order not in self._valid:
            self._valid[order] = order.is_valid(self.text)
        return self._valid[order]


def in_range(rng: AffectedRange, installed: Installed, order: Order | None) -> bool:
    """The spec's `IncludedInRanges` for one range, with its `BeforeLimits` check."""
    if order is None:
        return False
    return _compiled(rng, order, installed.is_valid(order)).contains(installed.key(order))


@lru_cache(maxsize=1 << 18)  # bounded; a 500,000-record store has about as many ranges
def _compiled(rng: AffectedRange, order: Order, valid: bool) -> CompiledRange:
    """A range compiled for installed versions that are `valid` in `order`, or not."""
    # Which bounds count depends only on the installed version's validity (see the module doc).
    events = [event for event in rng.events if not valid or _is_usable(event, order)]
    return compile_range(events, order.key)


def _is_usable(event: Event, order: Order) -> bool:
    """False for a bound a valid version cannot be compared with (see the module doc)."""
    match event.kind:
        case EventKind.INTRODUCED:
            return True
        case EventKind.LIMIT:
            return INFINITY in event.version or order.is_valid(event.version)
        case EventKind.FIXED | EventKind.LAST_AFFECTED:
            return order.is_valid(event.version)
        case _:
            assert_never(event.kind)


__all__ = ["INFINITY", "ZERO", "CompiledRange", "Installed", "Order", "compile_range", "in_range"]
