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

import gc
import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from functools import cache, lru_cache
from typing import Any, assert_never

from osswatch import ecosystems
from osswatch.advisories.aliases import AliasGroup, group_by_alias
from osswatch.advisories.base import AdvisorySource, Candidate
from osswatch.advisories.ranges import Installed, Order, in_range
from osswatch.advisories.severity import highest, rating_of
from osswatch.ecosystems.identity import base_ecosystem, canonical_ecosystem, normalize_name
from osswatch.model import (
    Advisory,
    AdvisoryId,
    Affected,
    Component,
    EcosystemName,
    EventKind,
    Finding,
    Package,
    RangeType,
)

_log = logging.getLogger(__name__)


def is_affected(affected: Affected, version: str) -> bool:
    """True when `version` of the entry's package is listed in `versions` or inside a range."""
    return _is_affected(affected, Installed(version))


def fixed_versions(affected: Affected, version: str) -> list[str]:
    """The `fixed` versions of the entry's ranges that come after `version`, unordered."""
    installed = Installed(version)
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


def _is_affected(affected: Affected, installed: Installed) -> bool:
    """The spec's `IncludedInVersions(v) || IncludedInRanges(v)` for one entry."""
    ecosystem = affected.package.ecosystem
    # Ranges first: they are short, and when they match the (often long) list need not be read.
    for rng in affected.ranges:
        if in_range(rng, installed, _order_for(rng.type, ecosystem)):
            return True
    return _is_listed(installed, affected.versions, _ecosystem_order(ecosystem))


def match_component(component: Component, advisories: Sequence[Advisory]) -> list[Finding]:
    """The findings of one component: matching advisories, grouped by alias, ordered by id."""
    return _findings(component, _matching(component, advisories))


def _matching(component: Component, advisories: Sequence[Advisory]) -> list[Advisory]:
    """The advisories with an `affected[]` entry that includes the component's version."""
    if component.ecosystem is None or component.version is None:
        return []
    installed = Installed(component.version)
    return [
        advisory
        for advisory in advisories
        if any(
            _is_affected(entry, installed)
            for entry in _entries_for(advisory, component.ecosystem, component.name)
        )
    ]


def _findings(component: Component, matched: Sequence[Advisory]) -> list[Finding]:
    entries: dict[str, list[Affected]] = {}
    for advisory in matched:
        entries.setdefault(advisory.id, _entries_for(advisory, component.ecosystem or "", component.name))
    return [_finding(component, group, entries) for group in group_by_alias(matched)]


def match_inventory(components: Iterable[Component], source: AdvisorySource) -> list[Finding]:
    """Findings of every identified, pinned component, with one lookup for all their packages.

    Candidates (match-ready entries) decide which advisories match; whole records are then read once,
    only for those, to build the findings.
    """
    wanted = [c for c in components if c.ecosystem is not None and c.version is not None]
    keys = {id(c): package_key(c) for c in wanted}
    with _collector_paused():
        found = source.candidates_for({key for key in keys.values() if key is not None})
        # Keyed by the full ecosystem too: `Debian:11` and `Debian:12` share a package key, not advisories.
        matched: dict[tuple[Package, str, str], list[AdvisoryId]] = {}
        for component in wanted:
            key = keys[id(component)]
            if key is None or component.version is None or component.ecosystem is None:
                continue
            memo = (key, component.ecosystem, component.version)
            if memo not in matched:
                matched[memo] = _matching_ids(component, found.get(key, ()))
        records = source.advisories({i: None for ids in matched.values() for i in ids})
        done: dict[tuple[Package, str, str], list[Finding]] = {}
        findings: list[Finding] = []
        for component in wanted:
            key = keys[id(component)]
            if key is None or component.version is None or component.ecosystem is None:
                continue
            memo = (key, component.ecosystem, component.version)
            seen = done.get(memo)
            if seen is None:
                ids = matched[memo]
                seen = done[memo] = _findings(component, [records[i] for i in ids if i in records])
                findings.extend(seen)
            else:
                # The same package version elsewhere: the same findings, for this component.
                findings.extend(replace(finding, component=component) for finding in seen)
    return findings


def _matching_ids(component: Component, candidates: Sequence[Candidate]) -> list[AdvisoryId]:
    """The ids of the candidates with an entry for the component's package that includes its version."""
    if component.ecosystem is None or component.version is None:
        return []
    installed = Installed(component.version)
    ecosystem, name = component.ecosystem, component.name
    return [
        candidate.id
        for candidate in candidates
        if any(
            _is_affected(entry, installed)
            for entry in candidate.entries
            if _is_package(entry.package, ecosystem, name)
        )
    ]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a scan builds its (acyclic) records and findings."""
    # Parsing tens of thousands of records allocates millions of objects, each allocation burst
    # triggering a collection that re-walks every older object: a third of a cold scan's time
    # (benchmarks/match.py). Nothing built here forms a cycle, so reference counting frees it all.
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


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
def _ecosystem_order(ecosystem: str) -> Order | None:
    scheme = scheme_of(ecosystem)
    return None if scheme is None else Order(scheme)


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


def _is_listed(installed: Installed, versions: tuple[str, ...], order: Order | None) -> bool:
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
def _listed_keys(order: Order, versions: tuple[str, ...]) -> frozenset[Any] | None:
    """The sort keys of a `versions` list as a set, or None when the scheme's keys are unhashable."""
    # Lists are long (~50 per PyPI record) and re-read for every installed version of a package.
    # Equal versions have equal keys: the VersionScheme contract makes the key the order.
    try:
        return frozenset(order.key(listed) for listed in versions)
    except TypeError:
        return None


def _order_for(kind: RangeType, ecosystem: str) -> Order | None:
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
def _semver_order() -> Order | None:
    """SemVer 2.0 precedence (https://semver.org/#spec-item-11) for `SEMVER` ranges."""
    try:
        return Order(ecosystems.get("SemVer"), strip_v=True)
    except ecosystems.UnknownEcosystem:
        _log.debug("no SemVer scheme: SEMVER ranges never match")
        return None
