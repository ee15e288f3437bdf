"""Which projects a sync's advisory changes touch, so that only those are judged again.

Two lookups, both by index or by a short id list, never over the whole portfolio:

- the records written (added or modified, not withdrawn) name packages in their `affected[]`: the projects
  whose latest snapshot uses one (`projects_affected_by`) may have new or changed findings;
- a record withdrawn, removed, or modified so that it no longer names a package a project uses, can only
  matter to a project that has an open finding under that id (`findings.vulnerability_id` is always the id
  of a matched record, the group's primary). A changed record that is a non-primary alias of an open
  finding, and now names none of its packages, is caught by the daily health refresh, which judges every
  project again.

Of those, only the projects whose findings really change are judged again
(`projects_with_changed_findings`): a project with an open finding under a changed id always is; any other
touched project only if matching its components of the changed packages gives other findings (or other
severities, fixes, aliases) than it has stored. That match is one call over every such component of every
project, so each distinct package version is matched once. Most OSV changes are edits (an alias, a
severity, a range over versions nobody uses): most touched projects are then skipped, and a sync costs a
few grouped queries plus full evaluations of only the projects that changed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import func, select, tuple_

from osswatch.advisories.match import match_inventory
from osswatch.advisories.store import AdvisoryStore
from osswatch.ecosystems.identity import base_ecosystem, normalize_name
from osswatch.model import Advisory, AdvisoryId, Component
from osswatch.monitor.affected import projects_affected_by
from osswatch.monitor.findings import FindingKey, finding_key, stored_purl
from osswatch.monitor.portfolio import Portfolio
from osswatch.monitor.stored_inventory import stored_component
from osswatch.store.portfolio_tables import findings, snapshot_components, snapshots

_State = tuple[object, ...]
"""What a finding says beyond its key: severity, fixes, aliases (a change there re-judges too)."""

_CHUNK = 500  # ids per IN list


def projects_touched(
    portfolio: Portfolio, store: AdvisoryStore, *, written: Collection[str], removed: Collection[str]
) -> set[int]:
    """Ids of the projects whose findings the written and removed advisory ids may change."""
    current = store.advisories(AdvisoryId(i) for i in written)
    touched = projects_affected_by(portfolio, current.values())
    return touched | projects_with_open_findings(portfolio, [*written, *removed])


def projects_with_changed_findings(
    portfolio: Portfolio,
    store: AdvisoryStore,
    touched: Collection[int],
    *,
    written: Collection[str],
    removed: Collection[str],
) -> set[int]:
    """Of the `touched` projects, those whose findings the written and removed advisories change."""
    must = projects_with_open_findings(portfolio, [*written, *removed]) & set(touched)
    rest = sorted(set(touched) - must)
    packages = _packages(store.advisories(AdvisoryId(i) for i in written).values())
    if not rest or not packages:
        return must
    project_of: dict[int, int] = {}
    components: list[Component] = []
    for project_id, row in _latest_components(portfolio, rest, packages):
        component = stored_component(row)
        project_of[id(component)] = project_id
        components.append(component)
    scanned: dict[int, dict[FindingKey, _State]] = defaultdict(dict)
    for finding in match_inventory(components, store):  # each distinct package version is matched once
        scanned[project_of[id(finding.component)]][finding_key(finding)] = _state(
            finding.rating.level, finding.fixed_in, finding.aliases
        )
    stored = _open_findings(portfolio, rest, {stored_purl(c) for c in components})
    return must | {p for p in {*scanned, *stored} if scanned.get(p, {}) != stored.get(p, {})}


def _state(severity: object, fixed_in: Iterable[str], aliases: Iterable[str]) -> _State:
    return (severity, tuple(fixed_in), tuple(sorted(aliases)))


def _packages(advisories: Iterable[Advisory]) -> set[tuple[str, str]]:
    """(base ecosystem, normalized name) of every package the advisories name."""
    found: set[tuple[str, str]] = set()
    for advisory in advisories:
        for affected in advisory.affected:
            ecosystem = base_ecosystem(affected.package.ecosystem)
            found.add((ecosystem, normalize_name(ecosystem, affected.package.name)))
    return found


def _latest_components(
    portfolio: Portfolio, project_ids: Sequence[int], packages: Collection[tuple[str, str]]
) -> list[tuple[int, Any]]:
    """(project id, component row) of the projects' latest snapshots, for components of `packages`."""
    latest = (
        select(snapshots.c.project_id, func.max(snapshots.c.id).label("snapshot_id"))
        .where(snapshots.c.project_id.in_(project_ids))
        .group_by(snapshots.c.project_id)
        .subquery()
    )
    wanted = sorted(packages)
    found: list[tuple[int, Any]] = []
    with portfolio.reading() as connection:
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            query = (
                select(latest.c.project_id, snapshot_components)
                .join(latest, latest.c.snapshot_id == snapshot_components.c.snapshot_id)
                .where(tuple_(snapshot_components.c.ecosystem, snapshot_components.c.name).in_(chunk))
            )
            found.extend((row.project_id, row._mapping) for row in connection.execute(query))
    return found


def _open_findings(
    portfolio: Portfolio, project_ids: Sequence[int], purls: Collection[str]
) -> dict[int, dict[FindingKey, _State]]:
    """The open findings of the projects on components with these purls, keyed as a scan keys them."""
    stored: dict[int, dict[FindingKey, _State]] = defaultdict(dict)
    wanted = sorted(purls)
    with portfolio.reading() as connection:
        for start in range(0, len(wanted), _CHUNK):
            query = select(findings).where(
                findings.c.project_id.in_(project_ids),
                findings.c.fixed_at.is_(None),
                findings.c.component_purl.in_(wanted[start : start + _CHUNK]),
            )
            for row in connection.execute(query):
                key = (row.vulnerability_id, row.component_purl)
                stored[row.project_id][key] = _state(row.severity, row.fixed_in, row.aliases)
    return stored


def projects_with_open_findings(portfolio: Portfolio, vulnerability_ids: Sequence[str]) -> set[int]:
    """Ids of the projects with an open finding under one of `vulnerability_ids`."""
    found: set[int] = set()
    with portfolio.reading() as connection:
        for chunk in _chunks(sorted(set(vulnerability_ids))):
            query = (
                select(findings.c.project_id)
                .distinct()
                .where(findings.c.vulnerability_id.in_(chunk), findings.c.fixed_at.is_(None))
            )
            found.update(connection.scalars(query))
    return found


def _chunks(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


__all__ = ["projects_touched", "projects_with_changed_findings", "projects_with_open_findings"]
