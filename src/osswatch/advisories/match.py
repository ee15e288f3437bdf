"""Which advisories affect a component: the OSV evaluation algorithm, and findings built from it.

The algorithm is the spec's `IsVulnerable` (https://ossf.github.io/osv-schema/#evaluation): a version
is affected by an `affected[]` entry when it is in the entry's `versions` list or inside one of its
ranges, and by a record when any entry for its package says so (every entry counts, not the last).
Within a range, events are sorted by version (`introduced: "0"` first) and walked in order:
`introduced` at or below the version turns it affected, `fixed` at or below turns it not, and
`last_affected` strictly below turns it not; a range with `limit` events only covers versions below
one of them (`*` is infinity).

Choices the spec leaves open, made here so a bad record never hides a vulnerability or crashes a scan:
- `ECOSYSTEM` ranges and `versions` use the ecosystem's version scheme (`versions` by scheme equality,
  so `1.0` equals `1.0.0` in PyPI); `SEMVER` ranges use SemVer 2.0 precedence after dropping a
  leading `v` (Go data and Go versions carry one); `GIT` ranges never match a package version.
- An ecosystem without a version scheme has no `ECOSYSTEM` range match (a debug line says so);
  its `versions` list still matches by exact text, as the spec's `IncludedInVersions` does.
- A `fixed`, `last_affected` or `limit` version the scheme cannot parse is ignored when evaluating
  a valid version (it can only narrow a range, so ignoring it fails loud, never silent); an invalid
  installed version is compared with it as the scheme orders invalid versions (so `fixed:
  "2019-09-12"` still fixes `2019-09-12`). An invalid `introduced` sorts before every valid version,
  as the scheme orders it, so it opens the range from the start.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from functools import cache, lru_cache
from operator import itemgetter
from typing import Any, assert_never

from osswatch import ecosystems
from osswatch.advisories.aliases import AliasGroup, group_by_alias
from osswatch.advisories.base import AdvisorySource
from osswatch.advisories.severity import highest, rating_of
from osswatch.ecosystems.identity import base_ecosystem, canonical_ecosystem, normalize_name
from osswatch.model import (
    Advisory,
    Affected,
    AffectedRange,
    Component,
    EcosystemName,
    Event,
    EventKind,
    Finding,
    Package,
    RangeType,
)

_log = logging.getLogger(__name__)

_ZERO = "0"
"""`introduced: "0"`: before every version (https://ossf.github.io/osv-schema/#special-values)."""
_INFINITY = "*"
"""A `limit` containing `*` is infinity."""


class _Order:
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


class _Installed:
    """The version being evaluated, with its sort key and validity under each order computed once."""

    __slots__ = ("_keys", "_valid", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._keys: dict[_Order, Any] = {}
        self._valid: dict[_Order, bool] = {}

    def key(self, order: _Order) -> Any:
        if order not in self._keys:
            self._keys[order] = order.key(self.text)
        return self._keys[order]

    def is_valid(self, order: _Order) -> bool:
        if order not in self._valid:
            self._valid[order] = order.is_valid(self.text)
        return self._valid[order]


def is_affected(affected: Affected, version: str) -> bool:
    """True when `version` of the entry's package is listed in `versions` or inside a range."""
    return _is_affected(affected, _Installed(version))


def fixed_versions(affected: Affected, version: str) -> list[str]:
    """The `fixed` versions of the entry's ranges that come after `version`, unordered."""
    installed = _Installed(version)
    found: list[str] = []
    for rng in affected.ranges:
        order = _order_for(rng.type, affected.package.ecosystem)
        if order is None:
            continue
        point = installed.key(order)
        found.extend(
            event.version
            for event in rng.events
            if event.kind is EventKind.FIXED
            and order.is_valid(event.version)
            and order.key(event.version) > point
        )
    return found


def _is_affected(affected: Affected, installed: _Installed) -> bool:
    """The spec's `IncludedInVersions(v) || IncludedInRanges(v)` for one entry."""
    ecosystem = affected.package.ecosystem
    # Ranges first: they are short, and when they match the (often long) list need not be read.
    for rng in affected.ranges:
        if _in_range(rng, installed, _order_for(rng.type, ecosystem)):
            return True
    return _is_listed(installed, affected.versions, _ecosystem_order(ecosystem))


def match_component(component: Component, advisories: Sequence[Advisory]) -> list[Finding]:
    """The findings of one component: matching advisories, grouped by alias, ordered by id."""
    if component.ecosystem is None or component.version is None:
        return []
    installed = _Installed(component.version)
    matched: list[Advisory] = []
    entries: dict[str, list[Affected]] = {}
    for advisory in advisories:
        own = _entries_for(advisory, component.ecosystem, component.name)
        if own and any(_is_affected(entry, installed) for entry in own):
            matched.append(advisory)
            entries.setdefault(advisory.id, own)
    return [_finding(component, group, entries) for group in group_by_alias(matched)]


def match_inventory(components: Iterable[Component], source: AdvisorySource) -> list[Finding]:
    """Findings of every identified, pinned component, with one lookup for all their packages."""
    wanted = [c for c in components if c.ecosystem is not None and c.version is not None]
    keys = {id(c): package_key(c) for c in wanted}
    found = source.advisories_for({key for key in keys.values() if key is not None})
    done: dict[tuple[Package, str], list[Finding]] = {}
    findings: list[Finding] = []
    for component in wanted:
        key = keys[id(component)]
        if key is None or component.version is None:
            continue
        seen = done.get((key, component.version))
        if seen is None:
            seen = done[key, component.version] = match_component(component, found.get(key, ()))
            findings.extend(seen)
        else:
            # The same package version elsewhere: the same findings, for this component.
            findings.extend(replace(finding, component=component) for finding in seen)
    return findings


def package_key(component: Component) -> Package | None:
    """The key an `AdvisorySource` indexes a component's package by (base ecosystem, normal name)."""
    if component.ecosystem is None:
        return None
    base = base_ecosystem(component.ecosystem)
    ecosystem = canonical_ecosystem(base) or EcosystemName(base)
    return Package(ecosystem=ecosystem, name=normalize_name(ecosystem, component.name))


@lru_cache(maxsize=1024)  # bounded: ecosystem strings come from untrusted records
def scheme_of(ecosystem: str) -> ecosystems.VersionScheme | None:
    """The version scheme of an OSV ecosystem, or None (logged) when osswatch has none."""
    try:
        return ecosystems.get(ecosystem)
    except ecosystems.UnknownEcosystem:
        _log.debug("no version scheme for ecosystem %r: its ECOSYSTEM ranges never match", ecosystem)
        return None


@lru_cache(maxsize=1024)
def _ecosystem_order(ecosystem: str) -> _Order | None:
    scheme = scheme_of(ecosystem)
    return None if scheme is None else _Order(scheme)


def _entries_for(advisory: Advisory, ecosystem: str, name: str) -> list[Affected]:
    """The advisory's `affected[]` entries for this package (none when it was withdrawn)."""
    if advisory.is_withdrawn:
        return []
    return [entry for entry in advisory.affected if _is_package(entry.package, ecosystem, name)]


def _is_package(package: Package, ecosystem: str, name: str) -> bool:
    """Same base ecosystem (any case), same normalized name, and no conflicting release suffix."""
    if package.ecosystem == ecosystem and package.name == name:
        return True
    return _package_id(package.ecosystem, package.name) == _package_id(ecosystem, name) and (
        _release(package.ecosystem) in ("", _release(ecosystem)) or not _release(ecosystem)
    )


@lru_cache(maxsize=65536)
def _package_id(ecosystem: str, name: str) -> tuple[str, str]:
    base = base_ecosystem(ecosystem)
    return (base.lower(), normalize_name(base, name))


def _release(ecosystem: str) -> str:
    """The release suffix of an ecosystem name (`Debian:12` → `12`), empty if none."""
    return ecosystem.partition(":")[2]


def _is_listed(installed: _Installed, versions: tuple[str, ...], order: _Order | None) -> bool:
    """Exact text first (cheap), then equality in the ecosystem's order (`1.0` is `1.0.0` in PyPI)."""
    if installed.text in versions:
        return True
    if order is None or not versions:
        return False
    point = installed.key(order)
    keys = _listed_keys(order, versions)
    if keys is not None:
        return point in keys
    return any(point == order.key(listed) for listed in versions)


@lru_cache(maxsize=32768)
def _listed_keys(order: _Order, versions: tuple[str, ...]) -> frozenset[Any] | None:
    """The sort keys of a `versions` list as a set, or None when the scheme's keys are unhashable."""
    # Lists are long (~50 per PyPI record) and re-read for every installed version of a package.
    # Equal versions have equal keys: the VersionScheme contract makes the key the order.
    try:
        return frozenset(order.key(listed) for listed in versions)
    except TypeError:
        return None


def _order_for(kind: RangeType, ecosystem: str) -> _Order | None:
    match kind:
        case RangeType.ECOSYSTEM:
            return _ecosystem_order(ecosystem)
        case RangeType.SEMVER:
            return _semver_order()
        case RangeType.GIT:
            # Commit hashes are not package versions; the DESIGN forbids evaluating them as such.
            return None
        case _:
            assert_never(kind)


def _in_range(rng: AffectedRange, installed: _Installed, order: _Order | None) -> bool:
    """The spec's `IncludedInRanges` for one range, with its `BeforeLimits` check."""
    if order is None:
        return False
    point = installed.key(order)
    walk: list[tuple[tuple[int, Any], EventKind]] = []
    limits: list[Any] = []  # None is infinity
    for event in rng.events:
        if not _is_usable(event, order, installed):
            continue
        if event.kind is EventKind.LIMIT:
            limits.append(None if _INFINITY in event.version else order.key(event.version))
        elif event.kind is EventKind.INTRODUCED and event.version == _ZERO:
            walk.append(((0, None), event.kind))  # before every version
        else:
            walk.append(((1, order.key(event.version)), event.kind))
    if limits and not any(limit is None or point < limit for limit in limits):
        return False  # `BeforeLimits` is false (no limit at all is an implicit `*`)
    is_vulnerable = False
    # A stable sort on the version alone: events at the same version keep the record's order.
    for (_, bound), kind in sorted(walk, key=itemgetter(0)):
        is_vulnerable = _state_after(kind, bound, point, is_vulnerable=is_vulnerable)
    return is_vulnerable


def _state_after(kind: EventKind, bound: Any, point: Any, *, is_vulnerable: bool) -> bool:
    """One step of the spec's walk; `bound` is None for `introduced: "0"`."""
    match kind:
        case EventKind.INTRODUCED:
            if bound is None or point >= bound:
                return True
        case EventKind.FIXED:
            if point >= bound:
                return False
        case EventKind.LAST_AFFECTED:
            if point > bound:
                return False
        case EventKind.LIMIT:
            pass  # applied before the walk (`BeforeLimits`)
        case _:
            assert_never(kind)
    return is_vulnerable


def _is_usable(event: Event, order: _Order, installed: _Installed) -> bool:
    """False for a bound that cannot be compared with the installed version (see the module doc)."""
    match event.kind:
        case EventKind.INTRODUCED:
            return True
        case EventKind.LIMIT:
            return _INFINITY in event.version or _is_comparable(event.version, order, installed)
        case EventKind.FIXED | EventKind.LAST_AFFECTED:
            return _is_comparable(event.version, order, installed)
        case _:
            assert_never(event.kind)


def _is_comparable(bound: str, order: _Order, installed: _Installed) -> bool:
    return order.is_valid(bound) or not installed.is_valid(order)


def _finding(component: Component, group: AliasGroup, entries: dict[str, list[Affected]]) -> Finding:
    version = component.version or ""
    own = [entry for record in group.records for entry in entries[record.id]]
    fixes = [fix for entry in own for fix in fixed_versions(entry, version)]
    return Finding(
        component=component,
        advisory_ids=group.ids,
        aliases=group.aliases,
        summary=next((r.summary for r in group.records if r.summary), ""),
        rating=highest(rating_of(record, entries[record.id]) for record in group.records),
        fixed_in=_ascending(fixes, component.ecosystem or ""),
        references=tuple(dict.fromkeys(ref.url for r in group.records for ref in r.references)),
        published=min((r.published for r in group.records if r.published), default=None),
        sources=group.sources,
    )


def _ascending(versions: Iterable[str], ecosystem: str) -> tuple[str, ...]:
    """Versions smallest first, one per distinct version (`1.0` and `1.0.0` are one in PyPI)."""
    order = _ecosystem_order(ecosystem) or _semver_order()
    if order is None:
        return tuple(sorted(set(versions)))
    unique: list[str] = []
    for version in sorted(versions, key=lambda v: (order.key(v), v)):
        # Sorted, so equal versions are neighbours: keep the first spelling of each.
        if not unique or order.key(unique[-1]) != order.key(version):
            unique.append(version)
    return tuple(unique)


@cache
def _semver_order() -> _Order | None:
    """SemVer 2.0 precedence (https://semver.org/#spec-item-11) for `SEMVER` ranges."""
    try:
        return _Order(ecosystems.get("SemVer"), strip_v=True)
    except ecosystems.UnknownEcosystem:
        _log.debug("no SemVer scheme: SEMVER ranges never match")
        return None
