"""The catalog joined to portfolio health: per implementation, how its monitored project is doing.

An implementation links to a monitored project by name. For an API request the name is resolved within the
caller's team only (another team's project of that name shows as unlinked, exactly like none: nothing
leaks); with `team_id=None` (the CLI and the yearly report, which hold the database) across every team, and
when several teams have a project of that name the one with the newest snapshot is shown.

Health is that of the project's latest snapshot: the policy verdict (`snapshots.verdict_summary.passed`),
libyears and shares (`snapshots.health`, null until assessed), and the project's open findings
(`findings.fixed_at IS NULL`) by severity, counted as the dashboard counts them
(`monitor.overview.by_severity`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from osswatch.catalog.model import Implementation, Standard
from osswatch.monitor.overview import assessed_health, by_severity, number
from osswatch.monitor.portfolio import Portfolio, maybe_utc
from osswatch.store.portfolio_tables import findings, projects, snapshots


@dataclass(frozen=True, kw_only=True, slots=True)
class ProjectHealth:
    """Where a linked project stands, from its latest snapshot and its open findings."""

    project_id: int
    team_id: int
    snapshot_id: int | None
    """The latest snapshot; None (and no verdict or health) before the first upload."""
    uploaded_at: datetime | None
    is_passed: bool | None
    """The policy verdict of the latest snapshot; None when no policy ran or there is no snapshot."""
    open_findings: Mapping[str, int]
    total_libyears: float | None
    stale_share: float | None
    unmaintained_share: float | None

    @property
    def verdict(self) -> str | None:
        """`passed`, `failed`, or None when no policy ran."""
        return None if self.is_passed is None else ("passed" if self.is_passed else "failed")


@dataclass(frozen=True, kw_only=True, slots=True)
class ImplementationView:
    """An implementation and, when it links to a project the caller can see, that project's health."""

    implementation: Implementation
    health: ProjectHealth | None


@dataclass(frozen=True, kw_only=True, slots=True)
class StandardView:
    """A standard with the health of each implementation."""

    standard: Standard
    implementations: tuple[ImplementationView, ...]


def view_catalog(
    portfolio: Portfolio, standards: Sequence[Standard], *, team_id: int | None
) -> tuple[StandardView, ...]:
    """Each standard with each implementation's project health (of `team_id`'s projects; None: every team)."""
    names = {i.project for s in standards for i in s.implementations if i.project is not None}
    with portfolio.reading() as connection:
        linked = _projects_named(connection, names, team_id)
    return tuple(
        StandardView(
            standard=standard,
            implementations=tuple(
                ImplementationView(
                    implementation=item, health=None if item.project is None else linked.get(item.project)
                )
                for item in standard.implementations
            ),
        )
        for standard in standards
    )


def _projects_named(
    connection: Connection, names: Iterable[str], team_id: int | None
) -> dict[str, ProjectHealth]:
    """Project name → health of the project shown for it (newest snapshot wins across teams)."""
    wanted = sorted(set(names))
    if not wanted:
        return {}
    newest = (
        select(snapshots.c.project_id, func.max(snapshots.c.id).label("snapshot_id"))
        .group_by(snapshots.c.project_id)
        .subquery()
    )
    query = (
        select(projects.c.id, projects.c.team_id, projects.c.name, newest.c.snapshot_id)
        .add_columns(snapshots.c.uploaded_at, snapshots.c.verdict_summary, snapshots.c.health)
        .outerjoin(newest, newest.c.project_id == projects.c.id)
        .outerjoin(snapshots, snapshots.c.id == newest.c.snapshot_id)
        .where(projects.c.name.in_(wanted))
    )
    if team_id is not None:
        query = query.where(projects.c.team_id == team_id)
    chosen: dict[str, Any] = {}
    for row in connection.execute(query):
        current = chosen.get(row.name)
        if current is None or _newer(row, current):
            chosen[row.name] = row
    counts = _open_counts(connection, [row.id for row in chosen.values()])
    return {name: _health(row, counts.get(row.id, {})) for name, row in chosen.items()}


def _newer(row: Any, current: Any) -> bool:
    # Newest snapshot first (ids grow with time), projects never uploaded last, then the lowest project id.
    return (row.snapshot_id or 0, -row.id) > (current.snapshot_id or 0, -current.id)


def _open_counts(connection: Connection, project_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    if not project_ids:
        return {}
    query = (
        select(findings.c.project_id, findings.c.severity, func.count())
        .where(findings.c.project_id.in_(project_ids), findings.c.fixed_at.is_(None))
        .group_by(findings.c.project_id, findings.c.severity)
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for project_id, severity, count in connection.execute(query):
        counts[project_id][severity] = int(count)
    return counts


def _health(row: Any, counts: Mapping[str, int]) -> ProjectHealth:
    summary = row.verdict_summary if isinstance(row.verdict_summary, dict) else {}
    health = assessed_health(row.health if isinstance(row.health, dict) else None)
    passed = summary.get("passed")
    return ProjectHealth(
        project_id=row.id,
        team_id=row.team_id,
        snapshot_id=row.snapshot_id,
        uploaded_at=maybe_utc(row.uploaded_at),
        is_passed=passed if isinstance(passed, bool) else None,
        open_findings=by_severity(counts),
        total_libyears=number(health.get("total_libyears")),
        stale_share=number(health.get("stale_share")),
        unmaintained_share=number(health.get("unmaintained_share")),
    )


def standard_json(view: StandardView) -> dict[str, Any]:
    """The JSON shape of a standard with its implementations' health (docs/catalog.md)."""
    standard = view.standard
    return {
        "id": standard.id,
        "title": standard.title,
        "body": standard.body,
        "number": standard.number,
        "url": standard.url,
        "implementations": [implementation_json(item) for item in view.implementations],
    }


def implementation_json(view: ImplementationView) -> dict[str, Any]:
    """The JSON shape of one implementation: what the catalog says, then its project's health or nulls."""
    item, health = view.implementation, view.health
    listed = {
        "repository": item.repository,
        "role": item.role.value,
        "project": item.project,
        "name": item.name,
        "notes": item.notes,
        "linked": health is not None,
    }
    return {**listed, **(_UNLINKED if health is None else _health_json(health))}


def _health_json(health: ProjectHealth) -> dict[str, Any]:
    return {
        "project_id": health.project_id,
        "snapshot_id": health.snapshot_id,
        "uploaded_at": None if health.uploaded_at is None else health.uploaded_at.isoformat(),
        "verdict": health.verdict,
        "open_findings": dict(health.open_findings),
        "total_libyears": health.total_libyears,
        "stale_share": health.stale_share,
        "unmaintained_share": health.unmaintained_share,
    }


_UNLINKED: dict[str, Any] = dict.fromkeys(
    (
        "project_id",
        "snapshot_id",
        "uploaded_at",
        "verdict",
        "open_findings",
        "total_libyears",
        "stale_share",
        "unmaintained_share",
    )
)
"""The health fields of an implementation with no project the caller can see: all null."""


__all__ = [
    "ImplementationView",
    "ProjectHealth",
    "StandardView",
    "implementation_json",
    "standard_json",
    "view_catalog",
]
