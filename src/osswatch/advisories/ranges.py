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
from functools import lru_cache
from operator import itemgetter
from typing import Any, NamedTuple

from osswatch import ecosystems
from osswatch.advisories.match_form import Events
from osswatch.model import EventKind

ZERO = "0"
"""`introduced: "0"`: before every version (https://ossf.github.io/osv-schema/#special-values)."""
INFINITY = "*"
"""A `limit` containing `*` is infinity."""

_INTRODUCED = EventKind.INTRODUCED.value
_LAST_AFFECTED = EventKind.LAST_AFFECTED.value
_LIMIT = EventKind.LIMIT.value


class CompiledRange(NamedTuple):
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
        bounds = self.bounds
        index = bisect_left(bounds, point)
        if index < len(bounds) and not point < bounds[index]:
            return self.at[index]  # bisect_left: bounds[index] >= point, and not above it
        return self.above[index - 1] if index else self.opened


def compile_range(
    events: Iterable[tuple[str, str]],
    key: Callable[[str], Any],
    usable: Callable[[str], bool] | None = None,
) -> CompiledRange:
    """The compiled form of the `(kind, version)` events of one range, ordered by `key`.

    With `usable`, the `fixed`, `last_affected` and finite `limit` versions it rejects are left out.
    """
    walk, opened, limit = _walk_of(events, key, usable)
    bounds: list[Any] = []
    at: list[bool] = []
    above: list[bool] = []
    for bound, kind in walk:
        # The state an applied event leaves: affected after `introduced`, not after the others.
        effect = kind == _INTRODUCED
        if bounds and bound == bounds[-1]:
            # At a bound every event applies but `last_affected` (strict): the last one applied wins.
            if kind != _LAST_AFFECTED:
                at[-1] = effect
            above[-1] = effect
        else:
            below = above[-1] if above else opened
            bounds.append(bound)
            at.append(below if kind == _LAST_AFFECTED else effect)
            above.append(effect)
    # `tuple.__new__`: the named tuple's own `__new__` is Python code, a fifth of a small compile.
    return _new(CompiledRange, (tuple(bounds), tuple(at), tuple(above), opened, limit))


def _walk_of(
    events: Iterable[tuple[str, str]], key: Callable[[str], Any], usable: Callable[[str], bool] | None
) -> tuple[list[tuple[Any, str]], bool, Any]:
    """The events to walk as (key, kind) sorted by version, whether `introduced: "0"` opens, the limit."""
    walk: list[tuple[Any, str]] = []
    opened = False
    limits: list[Any] = []
    unlimited = False
    for kind, version in events:
        if kind == _LIMIT:
            if INFINITY in version:
                unlimited = True
            elif usable is None or usable(version):
                limits.append(key(version))
        elif kind == _INTRODUCED and version == ZERO:
            opened = True
        elif kind == _INTRODUCED or usable is None or usable(version):
            walk.append((key(version), kind))
    if len(walk) > 1:
        # A stable sort on the version alone: events at the same version keep the record's order.
        walk.sort(key=_VERSION)
    return walk, opened, None if unlimited or not limits else max(limits)


_VERSION = itemgetter(0)
_new = tuple.__new__


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
        try:
            return self._keys[order]
        except KeyError:
            key = self._keys[order] = order.key(self.text)
            return key

    def is_valid(self, order: Order) -> bool:
        """True when the version is well-formed in `order`."""
        try:
            return self._valid[order]
        except KeyError:
            valid = self._valid[order] = order.is_valid(self.text)
            return valid


def in_range(events: Events, installed: Installed, order: Order) -> bool:
    """The spec's `IncludedInRanges` for one range's events, with its `BeforeLimits` check."""
    return _compiled(events, order, installed.is_valid(order)).contains(installed.key(order))


@lru_cache(maxsize=1 << 18)  # bounded; a 500,000-record store has about as many ranges
def _compiled(events: Events, order: Order, valid: bool) -> CompiledRange:
    """A range compiled for installed versions that are `valid` in `order`, or not."""
    # Keyed by the events themselves (tuples of strings, hashed in C): equal ranges share one.
    # Which bounds count depends only on the installed version's validity (see the module doc).
    return compile_range(events, order.key, order.is_valid if valid else None)


__all__ = ["INFINITY", "ZERO", "CompiledRange", "Installed", "Order", "compile_range", "in_range"]
