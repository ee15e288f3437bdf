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
from datetime import datetime
from functools import cache, lru_cache
from itertools import islice
from typing import Any, NamedTuple

from osswatch import ecosystems
from osswatch.advisories.aliases import AliasGroup, group_by_alias
from osswatch.advisories.base import AdvisorySource, Candidate, candidate_of, index_key
from osswatch.advisories.finding_form import FindingDetails
from osswatch.advisories.match_form import Events, MatchEntry, entry_of
from osswatch.advisories.ranges import Installed, Order, in_range
from osswatch.advisories.severity import highest, rating_from
from osswatch.ecosystems.identity import base_ecosystem, canonical_ecosystem
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
    Rating,
)

_log = logging.getLogger(__name__)

_FIXED = EventKind.FIXED.value
_ECOSYSTEM = RangeType.ECOSYSTEM.value
_SEMVER = RangeType.SEMVER.value


def is_affected(affected: Affected, version: str) -> bool:
    """True when `version` of the entry's package is listed in `versions` or inside a range."""
    return _includes(entry_of(affected), Installed(version))


def _includes(entry: MatchEntry, installed: Installed) -> bool:
    """The spec's `IncludedInVersions(v) || IncludedInRanges(v)` for one entry."""
    # Ranges first: they are short, and when they match the (often long) list need not be read.
    for kind, events in entry.ranges:
        order = _order_for(kind, entry.ecosystem)
        if order is not None and in_range(events, installed, order):
            return True
    return bool(entry.versions) and _is_listed(installed, entry.versions, _ecosystem_order(entry.ecosystem))


def _fixes(entry: MatchEntry, installed: Installed) -> list[str]:
    """The `fixed` versions of the entry's ranges that come after the installed one, unordered."""
    found: list[str] = []
    for kind, events in entry.ranges:
        order = _order_for(kind, entry.ecosystem)
        if order is not None and (fixes := _fixed_points(events, order)):
            point = installed.key(order)
            found.extend([version for key, version in fixes if key > point])
    return found


@lru_cache(maxsize=1 << 16)
def _fixed_points(events: Events, order: Order) -> tuple[tuple[Any, str], ...]:
    """The sort key and text of each `fixed` version of a range that `order` can parse."""
    return tuple(
        (order.key(version), version)
        for kind, version in events
        if kind == _FIXED and order.is_valid(version)
    )


def match_component(component: Component, advisories: Sequence[Advisory]) -> list[Finding]:
    """The findings of one component: matching advisories, grouped by alias, ordered by id."""
    if component.ecosystem is None or component.version is None:
        return []
    installed = Installed(component.version)
    candidates = [candidate_of(advisory) for advisory in advisories if not advisory.is_withdrawn]
    return _findings(component, installed, _matching(component, installed, candidates))


def match_inventory(components: Iterable[Component], source: AdvisorySource) -> list[Finding]:
    """Findings of every identified, pinned component, with one lookup for all their packages.

    The candidates' match-ready entries decide which advisories match; the details of only those
    make the findings (no whole record is read).
    """
    with _collector_paused():
        return _matched_inventory(components, source)


def _matched_inventory(components: Iterable[Component], source: AdvisorySource) -> list[Finding]:
    """`match_inventory`'s work, in a frame of its own: its temporaries are freed when it returns."""
    wanted = [c for c in components if c.ecosystem is not None and c.version is not None]
    keys = {id(c): package_key(c) for c in wanted}
    # Each distinct package version is matched once, for the first component that has it; keyed by
    # the full ecosystem too: `Debian:11` and `Debian:12` share a package key, not advisories.
    first: dict[Package, dict[tuple[str, str], Component]] = {}
    for component in wanted:
        key = keys[id(component)]
        if key is not None and component.ecosystem is not None and component.version is not None:
            first.setdefault(key, {}).setdefault((component.ecosystem, component.version), component)
    done: dict[tuple[Package, str, str], list[Finding]] = {}
    for batch in _batches(first, LOOKUP_BATCH):
        for key, candidates in source.candidates_for(batch).items():
            for (ecosystem, version), component in first[key].items():
                installed = Installed(version)
                matched = _matching(component, installed, candidates)
                done[key, ecosystem, version] = _findings(component, installed, matched)
    findings: list[Finding] = []
    for component in wanted:
        key = keys[id(component)]
        if key is None or component.ecosystem is None or component.version is None:
            continue
        seen = done.get((key, component.ecosystem, component.version))
        if not seen:
            continue  # no advisory names the package (most components), or none matched
        if component is first[key][component.ecosystem, component.version]:
            findings.extend(seen)
        else:  # the same package version elsewhere: the same findings, for this component
            findings.extend(replace(finding, component=component) for finding in seen)
    return findings


LOOKUP_BATCH = 500
"""Packages looked up at once: a batch's candidates are matched and freed before the next is read."""


def _batches(items: Iterable[Package], size: int) -> Iterator[list[Package]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class _Match(NamedTuple):
    """A candidate that matched, and which of its entries are for the component's package."""

    candidate: Candidate
    own: tuple[int, ...]


def _matching(component: Component, installed: Installed, candidates: Iterable[Candidate]) -> list[_Match]:
    """The candidates with an entry for the component's package that includes its version."""
    ecosystem, name = component.ecosystem or "", component.name
    found: list[_Match] = []
    for candidate in candidates:
        entries = candidate.entries
        own = _own(entries, ecosystem, name)
        for index in own:
            if _includes(entries[index], installed):
                found.append(_Match(candidate, own))
                break
    return found


def _own(entries: tuple[MatchEntry, ...], ecosystem: str, name: str) -> tuple[int, ...]:
    """The indexes of the entries for the component's package."""
    if len(entries) == 1:  # nearly always: one entry per package, and a store row per package
        return _FIRST if _is_package(entries[0].ecosystem, entries[0].name, ecosystem, name) else ()
    return tuple(
        index
        for index, entry in enumerate(entries)
        if _is_package(entry.ecosystem, entry.name, ecosystem, name)
    )


_FIRST = (0,)


def _findings(component: Component, installed: Installed, matched: Sequence[_Match]) -> list[Finding]:
    """The findings of the matched candidates, one per alias group, ordered by primary id."""
    if not matched:
        return []
    shown: dict[str, tuple[FindingDetails, _Match]] = {}
    for match in matched:
        if match.candidate.id not in shown:  # one per id, the first seen (as `group_by_alias`)
            shown[match.candidate.id] = (match.candidate.details(), match)
    return [
        _finding(component, installed, group, shown)
        for group in group_by_alias([details for details, _ in shown.values()])
    ]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a scan builds its (acyclic) candidates and findings."""
    # Decoding tens of thousands of candidates allocates millions of objects, each allocation burst
    # triggering a collection that re-walks every older object: a third of a cold scan's time once
    # (benchmarks/match.py). Nothing built here forms a cycle, so reference counting frees it all.
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        _promote_survivors()
        gc.enable()


def _promote_survivors() -> None:
    """Move what the scan left alive (caches, findings) to the oldest generation without a collection."""
    # Re-enabled as it is, the collector would at once walk every object allocated meanwhile that
    # is still alive — the store's caches fill with a few hundred thousand in a cold scan: 0.16 s of
    # a 1.5 s scan. `freeze` moves every tracked object to the permanent generation and `unfreeze`
    # moves them to the oldest one, both without walking them, where they stay until a full
    # collection, as long-lived objects do. Never when the program froze objects of its own.
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


def package_key(component: Component) -> Package | None:
    """The key an `AdvisorySource` indexes a component's package by (base ecosystem, normal name)."""
    if component.ecosystem is None:
        return None
    return _package_key(component.ecosystem, component.name)


@lru_cache(maxsize=65536)  # an inventory names the same packages in many projects, scan after scan
def _package_key(ecosystem: str, name: str) -> Package:
    canonical = _base_spelled(ecosystem)
    # Through `index_key`'s cache: a source normalizing the key again finds it there.
    return Package(ecosystem=canonical, name=index_key(canonical, name)[1])


@lru_cache(maxsize=1024)  # bounded: ecosystem strings come from lockfiles and SBOMs
def _base_spelled(ecosystem: str) -> EcosystemName:
    """The base ecosystem of a component's, spelled the OSV way (`pypi` → `PyPI`) when known."""
    base = base_ecosystem(ecosystem)
    return canonical_ecosystem(base) or EcosystemName(base)


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


def _is_package(entry_ecosystem: str, entry_name: str, ecosystem: str, name: str) -> bool:
    """Same base ecosystem (any case), same normalized name, and no conflicting release suffix."""
    if entry_ecosystem == ecosystem and entry_name == name:
        return True
    return _package_id(entry_ecosystem, entry_name) == _package_id(ecosystem, name) and (
        _release(entry_ecosystem) in ("", _release(ecosystem)) or not _release(ecosystem)
    )


@lru_cache(maxsize=65536)
def _package_id(ecosystem: str, name: str) -> tuple[str, str]:
    base, normal = index_key(ecosystem, name)
    return (base.lower(), normal)


def _release(ecosystem: str) -> str:
    """The release suffix of an ecosystem name (`Debian:12` → `12`), empty if none."""
    return ecosystem.partition(":")[2]


def _is_listed(installed: Installed, versions: tuple[str, ...], order: Order | None) -> bool:
    """Exact text first (cheap), then equality in the ecosystem's order (`1.0` is `1.0.0` in PyPI)."""
    if installed.text in versions:
        return True
    if order is None:
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


@lru_cache(maxsize=1024)  # bounded: ecosystem strings come from untrusted records; read per range
def _order_for(kind: str, ecosystem: str) -> Order | None:
    """The order of a range type; None for `GIT`, whose commit hashes are not package versions."""
    if kind == _ECOSYSTEM:
        return _ecosystem_order(ecosystem)
    if kind == _SEMVER:
        return _semver_order()
    return None  # the DESIGN forbids evaluating commit hashes as versions


def _finding(
    component: Component,
    installed: Installed,
    group: AliasGroup[FindingDetails],
    shown: dict[str, tuple[FindingDetails, _Match]],
) -> Finding:
    fixes: list[str] = []
    ratings: list[Rating] = []
    for details in group.records:
        candidate, own = shown[details.id][1]
        for index in own:
            fixes.extend(_fixes(candidate.entries[index], installed))
        ratings.append(_rating(details, own))
    summary, references, published, sources = _shown_by(group.records)
    return Finding(
        component=component,
        advisory_ids=group.ids,
        aliases=group.aliases,
        summary=summary,
        rating=ratings[0] if len(ratings) == 1 else highest(ratings),
        fixed_in=_ascending(fixes, component.ecosystem or ""),
        references=references,
        published=published,
        sources=sources,
    )


def _shown_by(
    records: tuple[FindingDetails, ...],
) -> tuple[str, tuple[str, ...], datetime | None, tuple[AdvisoryId, ...]]:
    """The summary, distinct reference URLs, first publication and ids of a group's records."""
    if len(records) == 1:  # most groups: what the one record shows, as it is
        (only,) = records
        return only.summary, only.references, only.published, (only.id,)
    return (
        next((d.summary for d in records if d.summary), ""),
        tuple(dict.fromkeys(url for d in records for url in d.references)),
        min((d.published for d in records if d.published), default=None),
        tuple([d.id for d in records]),
    )


def _rating(details: FindingDetails, own: tuple[int, ...]) -> Rating:
    """The rating of an advisory from its own severity and that of its entries for the package."""
    severity = details.severity
    for index in own:
        if details.entry_severity[index]:
            severity = (*severity, *details.entry_severity[index])
    return rating_from(severity, details.severity_word)


def _ascending(versions: Sequence[str], ecosystem: str) -> tuple[str, ...]:
    """Versions smallest first, one per distinct version (`1.0` and `1.0.0` are one in PyPI)."""
    if len(versions) < 2:
        return tuple(versions)
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
