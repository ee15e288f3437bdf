"""Read-only portfolio overviews: per project status, trends over time, and who a vulnerability affects.

These feed the dashboard and the yearly report. Every function takes a team id and filters by it (None
means every team: for the CLI and the report only, never for an API request) and runs a few grouped
queries, never one query per project. A finding is open at time t when `first_seen <= t` and it was not
fixed by then (`fixed_at` is null or later than t). A project's latest snapshot at t is its highest-id
snapshot uploaded at or before t. Libyears and shares come from `snapshots.health`
(`{"total_libyears", "stale_share", "unmaintained_share", "assessed", "unknown"}`), null when not assessed
— and so is a document whose `assessed` is 0 (no component's health was known: its zeros mean nothing).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    DateTime,
    Select,
    Text,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)

from osswatch.errors import InputError
from osswatch.monitor.findings import seconds_between
from osswatch.monitor.portfolio import Portfolio, maybe_utc, to_utc
from osswatch.store.portfolio_tables import findings, projects, snapshots, triage

_Scope = Callable[[Select[*tuple[Any, ...]]], Select[*tuple[Any, ...]]]
"""Narrows a query (joined to `projects`) to a team and, optionally, one project."""

SEVERITIES = ("critical", "high", "medium", "low", "unknown")
"""The severities every count has (zero when none); any other level found (such as `none`) is added."""


@dataclass(frozen=True, kw_only=True, slots=True)
class ProjectOverview:
    """Where one project stands: its latest snapshot, policy verdict, open findings and health."""

    id: int
    name: str
    team_id: int
    version: str | None
    tags: tuple[str, ...]
    latest_snapshot_id: int | None
    uploaded_at: datetime | None
    components: int
    passed: bool | None
    """The policy verdict of the latest snapshot; None when no policy ran or there is no snapshot."""
    open_by_severity: Mapping[str, int]
    total_libyears: float | None
    stale_share: float | None
    unmaintained_share: float | None
    policy: str | None = None
    """The name of the policy that judged the latest snapshot."""
    violations: Mapping[str, int] = field(default_factory=dict)
    """Violations of that policy per level (`fail`, `warn`, `info`)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class TrendPoint:
    """The state of a set of projects at one moment."""

    at: datetime
    open_by_severity: Mapping[str, int]
    mean_days_to_remediate: float | None
    """Over the findings fixed between the window's start and `at`; None when none was fixed."""
    total_libyears: float | None
    """The sum over projects of the libyears of each one's latest snapshot at `at`; None when unassessed."""


@dataclass(frozen=True, kw_only=True, slots=True)
class VulnerabilityUse:
    """One project component a vulnerability (by id or alias) affects, now or in the past."""

    project_id: int
    project_name: str
    team_id: int
    project_version: str | None
    latest_snapshot_id: int | None
    finding_id: int
    vulnerability_id: str
    component_purl: str
    severity: str
    first_seen: datetime
    fixed_at: datetime | None
    triage_state: str | None
    """The current triage decision, if anyone made one."""

    @property
    def state(self) -> str:
        """`fixed` once fixed; else the triage state, or `open` when untriaged."""
        if self.fixed_at is not None:
            return "fixed"
        return self.triage_state or "open"


def project_overviews(
    portfolio: Portfolio, team_id: int | None, *, at: datetime | None = None
) -> tuple[ProjectOverview, ...]:
    """Every project of the team (or of every team), by name, as of now or as of the moment `at`."""
    newest = select(snapshots.c.project_id, func.max(snapshots.c.id).label("snapshot_id"))
    if at is not None:
        newest = newest.where(snapshots.c.uploaded_at <= to_utc(at))
    newest_sq = newest.group_by(snapshots.c.project_id).subquery()
    query = (
        select(projects, snapshots.c.id.label("snapshot_id"), snapshots.c.uploaded_at)
        .add_columns(snapshots.c.component_count, snapshots.c.verdict_summary, snapshots.c.health)
        .outerjoin(newest_sq, newest_sq.c.project_id == projects.c.id)
        .outerjoin(snapshots, snapshots.c.id == newest_sq.c.snapshot_id)
        .order_by(projects.c.name, projects.c.id)
    )
    open_counts = (
        select(findings.c.project_id, findings.c.severity, func.count())
        .join(projects, projects.c.id == findings.c.project_id)
        .where(_is_open(at))
        .group_by(findings.c.project_id, findings.c.severity)
    )
    with portfolio.reading() as connection:
        rows = connection.execute(_of_team(query, team_id)).all()
        counts: dict[int, dict[str, int]] = defaultdict(dict)
        for project_id, severity, count in connection.execute(_of_team(open_counts, team_id)):
            counts[project_id][severity] = count
    return tuple(_overview(row, counts.get(row.id, {})) for row in rows)


def _is_open(at: Any) -> ColumnElement[bool]:
    """Findings open now (`at` None), at a datetime, or at a column of moments."""
    if at is None:
        return findings.c.fixed_at.is_(None)
    moment = to_utc(at) if isinstance(at, datetime) else at
    return and_(
        findings.c.first_seen <= moment, or_(findings.c.fixed_at.is_(None), findings.c.fixed_at > moment)
    )


def _overview(row: Any, counts: Mapping[str, int]) -> ProjectOverview:
    summary = row.verdict_summary or {}
    health = assessed_health(row.health)
    passed = summary.get("passed")
    return ProjectOverview(
        id=row.id,
        name=row.name,
        team_id=row.team_id,
        version=row.version,
        tags=tuple(row.tags),
        latest_snapshot_id=row.snapshot_id,
        uploaded_at=maybe_utc(row.uploaded_at),
        components=row.component_count or 0,
        passed=passed if isinstance(passed, bool) else None,
        open_by_severity=by_severity(counts),
        total_libyears=number(health.get("total_libyears")),
        stale_share=number(health.get("stale_share")),
        unmaintained_share=number(health.get("unmaintained_share")),
        policy=policy if isinstance(policy := summary.get("policy"), str) else None,
        violations=dict(violations) if isinstance(violations := summary.get("violations"), dict) else {},
    )


def trends(
    portfolio: Portfolio, team_id: int | None, *, start: datetime, end: datetime, points: int = 12
) -> tuple[TrendPoint, ...]:
    """The team's (or every team's) open findings, remediation time and libyears at `points` moments."""
    return trend_at(portfolio, team_id, sample_times(start, end, points), since=start)


def project_trend(
    portfolio: Portfolio,
    team_id: int | None,
    project_id: int,
    *,
    start: datetime,
    end: datetime,
    points: int = 12,
) -> tuple[TrendPoint, ...]:
    """`trends` of one project (of the team, unless team_id is None): empty figures for another team's."""
    times = sample_times(start, end, points)
    return trend_at(portfolio, team_id, times, since=start, project_id=project_id)


def project_trends(
    portfolio: Portfolio,
    team_id: int | None,
    project_ids: Iterable[int],
    *,
    start: datetime,
    end: datetime,
    points: int = 12,
) -> dict[int, tuple[TrendPoint, ...]]:
    """`project_trend` of each project at once, in three queries however many projects there are.

    Every id asked for gets a series; another team's project (or an unknown id) gets empty figures.
    """
    wanted = sorted(set(project_ids))
    if not wanted:
        return {}
    times = sample_times(start, end, points)
    figures = _figures_at(portfolio, _scope(team_id, wanted), times, since=start, by_project=True)
    return {project_id: _points(figures, times, project_id) for project_id in wanted}


def sample_times(start: datetime, end: datetime, points: int) -> tuple[datetime, ...]:
    """`points` moments evenly spaced from `start` to `end`, both included (just `end` for one point)."""
    start, end = to_utc(start), to_utc(end)
    if points < 1:
        raise InputError(f"a trend needs at least one point, not {points}")
    if end < start:
        raise InputError(f"a trend's end ({end.isoformat()}) is before its start ({start.isoformat()})")
    if points == 1:
        return (end,)
    step = (end - start) / (points - 1)
    return (*(start + step * i for i in range(points - 1)), end)


def trend_at(
    portfolio: Portfolio,
    team_id: int | None,
    times: Sequence[datetime],
    *,
    since: datetime,
    project_id: int | None = None,
) -> tuple[TrendPoint, ...]:
    """The figures at each of `times` (of one project if given); remediation counts fixes from `since` on."""
    if not times:
        return ()
    scope = _scope(team_id, None if project_id is None else [project_id])
    return _points(_figures_at(portfolio, scope, times, since=since, by_project=False), times, None)


_Key = tuple[int | None, datetime]
"""(the project, when the figures are grouped by project; the moment)."""


@dataclass(frozen=True, slots=True)
class _Figures:
    counts: Mapping[_Key, Mapping[str, int]]
    means: Mapping[_Key, float]
    libyears: Mapping[_Key, float]


def _figures_at(
    portfolio: Portfolio, scope: _Scope, times: Sequence[datetime], *, since: datetime, by_project: bool
) -> _Figures:
    moments = (
        select(literal(t, DateTime(timezone=True)).label("at")) for t in sorted(set(map(to_utc, times)))
    )
    at_sq = union_all(*moments).subquery("moments")
    with portfolio.reading() as connection:
        return _Figures(
            counts=_open_counts_at(connection, scope, at_sq, by_project),
            means=_remediation_at(connection, scope, at_sq, to_utc(since), by_project),
            libyears=_libyears_at(connection, scope, at_sq, by_project),
        )


def _points(figures: _Figures, times: Sequence[datetime], project_id: int | None) -> tuple[TrendPoint, ...]:
    return tuple(_point(figures, (project_id, to_utc(t))) for t in times)


def _point(figures: _Figures, key: _Key) -> TrendPoint:
    return TrendPoint(
        at=key[1],
        open_by_severity=by_severity(figures.counts.get(key, {})),
        mean_days_to_remediate=figures.means.get(key),
        total_libyears=figures.libyears.get(key),
    )


def _key(at: datetime, row: Any, by_project: bool) -> _Key:
    """The key of a result row whose last column is the project id when grouped by project."""
    return (row[-1] if by_project else None, to_utc(at))


def _open_counts_at(
    connection: Connection, scope: _Scope, at_sq: Any, by_project: bool
) -> dict[_Key, dict[str, int]]:
    extra = (projects.c.id,) if by_project else ()
    query = (
        select(at_sq.c.at, findings.c.severity, func.count(), *extra)
        .select_from(at_sq)
        .join(findings, _is_open(at_sq.c.at))
        .join(projects, projects.c.id == findings.c.project_id)
        .group_by(at_sq.c.at, findings.c.severity, *extra)
    )
    counts: dict[_Key, dict[str, int]] = defaultdict(dict)
    for row in connection.execute(scope(query)):
        counts[_key(row[0], row, by_project)][row[1]] = row[2]
    return counts


def _remediation_at(
    connection: Connection, scope: _Scope, at_sq: Any, since: datetime, by_project: bool
) -> dict[_Key, float]:
    elapsed = seconds_between(connection.dialect.name, findings.c.first_seen, findings.c.fixed_at)
    extra = (projects.c.id,) if by_project else ()
    query = (
        select(at_sq.c.at, func.avg(elapsed), *extra)
        .select_from(at_sq)
        .join(findings, and_(findings.c.fixed_at >= since, findings.c.fixed_at <= at_sq.c.at))
        .join(projects, projects.c.id == findings.c.project_id)
        .group_by(at_sq.c.at, *extra)
    )
    rows = connection.execute(scope(query))
    return {_key(row[0], row, by_project): float(row[1]) / 86400.0 for row in rows if row[1] is not None}


def _libyears_at(connection: Connection, scope: _Scope, at_sq: Any, by_project: bool) -> dict[_Key, float]:
    latest = (
        select(at_sq.c.at, snapshots.c.project_id, func.max(snapshots.c.id).label("snapshot_id"))
        .select_from(at_sq)
        .join(snapshots, snapshots.c.uploaded_at <= at_sq.c.at)
        .join(projects, projects.c.id == snapshots.c.project_id)
        .group_by(at_sq.c.at, snapshots.c.project_id)
    )
    latest_sq = scope(latest).subquery("latest")
    extra = (latest_sq.c.project_id,) if by_project else ()
    # A snapshot where no component's health was known (`assessed` 0) adds nothing, not a zero.
    is_unassessed = snapshots.c.health["assessed"].as_integer() == 0
    libyears = case((is_unassessed, null()), else_=snapshots.c.health["total_libyears"].as_float())
    query = (
        select(latest_sq.c.at, func.sum(libyears), *extra)
        .join(snapshots, snapshots.c.id == latest_sq.c.snapshot_id)
        .group_by(latest_sq.c.at, *extra)
    )
    rows = connection.execute(query)
    return {_key(row[0], row, by_project): float(row[1]) for row in rows if row[1] is not None}


def vulnerability_projects(
    portfolio: Portfolio, team_id: int | None, vulnerability_id: str
) -> tuple[VulnerabilityUse, ...]:
    """Every finding of the team's projects whose vulnerability is `vulnerability_id` or has it as alias."""
    newest_triage = select(func.max(triage.c.id)).group_by(triage.c.finding_id).scalar_subquery()
    current = select(triage.c.finding_id, triage.c.state).where(triage.c.id.in_(newest_triage)).subquery()
    newest = select(snapshots.c.project_id, func.max(snapshots.c.id).label("snapshot_id"))
    newest_sq = newest.group_by(snapshots.c.project_id).subquery()
    quoted = '"' + vulnerability_id.replace("\\", "\\\\").replace('"', '\\"') + '"'
    pattern = "%" + quoted.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%"
    query = (
        select(findings, projects.c.name, projects.c.team_id, projects.c.version)
        .add_columns(newest_sq.c.snapshot_id, current.c.state)
        .join(projects, projects.c.id == findings.c.project_id)
        .outerjoin(newest_sq, newest_sq.c.project_id == projects.c.id)
        .outerjoin(current, current.c.finding_id == findings.c.id)
        .where(
            or_(
                findings.c.vulnerability_id == vulnerability_id,
                # a cheap filter on the JSON text; the exact alias check follows in Python
                cast(findings.c.aliases, Text).like(pattern, escape="!"),
            )
        )
        .order_by(projects.c.name, findings.c.component_purl, findings.c.id)
    )
    with portfolio.reading() as connection:
        rows = connection.execute(_of_team(query, team_id)).all()
    return tuple(
        _use(row)
        for row in rows
        if row.vulnerability_id == vulnerability_id or vulnerability_id in row.aliases
    )


def _use(row: Any) -> VulnerabilityUse:
    return VulnerabilityUse(
        project_id=row.project_id,
        project_name=row.name,
        team_id=row.team_id,
        project_version=row.version,
        latest_snapshot_id=row.snapshot_id,
        finding_id=row.id,
        vulnerability_id=row.vulnerability_id,
        component_purl=row.component_purl,
        severity=row.severity,
        first_seen=to_utc(row.first_seen),
        fixed_at=maybe_utc(row.fixed_at),
        triage_state=row.state,
    )


def by_severity(counts: Mapping[str, int]) -> dict[str, int]:
    """Counts per severity, every one of SEVERITIES present (zero when none), in that order first."""
    ordered = {severity: counts.get(severity, 0) for severity in SEVERITIES}
    ordered.update({s: n for s, n in sorted(counts.items()) if s not in ordered})
    return ordered


def assessed_health(health: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """A stored `snapshots.health` document; empty when nothing was assessed (null, or `assessed` 0)."""
    if not health or health.get("assessed") == 0:
        return {}
    return health


def number(value: object) -> float | None:
    """A JSON number as a float; None for anything else (null, a string, a boolean)."""
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _of_team(query: Select[Any], team_id: int | None) -> Select[Any]:
    return query if team_id is None else query.where(projects.c.team_id == team_id)


def _scope(team_id: int | None, project_ids: Sequence[int] | None) -> _Scope:
    def scoped(query: Select[Any]) -> Select[Any]:
        query = _of_team(query, team_id)
        return query if project_ids is None else query.where(projects.c.id.in_(project_ids))

    return scoped


__all__ = [
    "SEVERITIES",
    "ProjectOverview",
    "TrendPoint",
    "VulnerabilityUse",
    "assessed_health",
    "by_severity",
    "number",
    "project_overviews",
    "project_trend",
    "project_trends",
    "sample_times",
    "trend_at",
    "trends",
    "vulnerability_projects",
]
