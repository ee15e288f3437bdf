"""What a project looks like now and before: its snapshots with their stored analysis, and open findings.

The analysis of a snapshot (`snapshots.health`, `snapshots.verdict`, `snapshot_components.health`) is
written by the server-side pipeline when a file is uploaded or re-evaluated; here it is only read back.
Each column may be null (not assessed yet, or no policy evaluated), and readers say so rather than guess.
Every read takes the caller's team id: another team's project looks like a missing one (`UnknownRecord`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, select

from osswatch.monitor.portfolio import Portfolio, maybe_utc, to_utc
from osswatch.monitor.records import StoredComponent
from osswatch.store.portfolio_tables import findings, projects, snapshot_components, snapshots


@dataclass(frozen=True, kw_only=True, slots=True)
class SnapshotState:
    """One snapshot of a project with what its analysis stored (None where nothing was stored)."""

    id: int
    project_id: int
    uploaded_at: datetime
    source_kind: str
    component_count: int
    verdict_summary: Mapping[str, Any]
    health: Mapping[str, Any] | None
    verdict: Mapping[str, Any] | None
    evaluated_at: datetime | None

    @property
    def policy(self) -> tuple[str, bool] | None:
        """(policy name, passed) from the stored verdict, else from the summary; None when none ran."""
        for source in (self.verdict, self.verdict_summary):
            if source is None:
                continue
            name = source.get("policy")
            passed = source.get("passed")
            if isinstance(name, str) and isinstance(passed, bool):
                return name, passed
        return None


@dataclass(frozen=True, kw_only=True, slots=True)
class ComponentState:
    """A component of a snapshot and its stored health document (None: not assessed)."""

    component: StoredComponent
    health: Mapping[str, Any] | None


def latest_snapshot(portfolio: Portfolio, team_id: int, project_id: int) -> SnapshotState | None:
    """The newest snapshot of one of the team's projects, or None before the first upload."""
    _, found = snapshot_history(portfolio, team_id, project_id, limit=1, offset=0)
    return found[0] if found else None


def snapshot_history(
    portfolio: Portfolio, team_id: int, project_id: int, *, limit: int, offset: int
) -> tuple[int, tuple[SnapshotState, ...]]:
    """How many snapshots one of the team's projects has, and a page of them, newest first."""
    portfolio.project(team_id, project_id)  # UnknownRecord for another team's project
    mine = (
        select(snapshots)
        .join(projects, projects.c.id == snapshots.c.project_id)
        .where(snapshots.c.project_id == project_id, projects.c.team_id == team_id)
    )
    with portfolio.reading() as connection:
        total = connection.execute(select(func.count()).select_from(mine.subquery())).scalar_one()
        rows = connection.execute(mine.order_by(snapshots.c.id.desc()).limit(limit).offset(offset))
        return int(total), tuple(_snapshot_state(row) for row in rows)


def component_states(portfolio: Portfolio, team_id: int, snapshot_id: int) -> tuple[ComponentState, ...]:
    """The components of one snapshot of the team's projects with their health (empty for another team's)."""
    query = (
        select(snapshot_components)
        .join(snapshots, snapshots.c.id == snapshot_components.c.snapshot_id)
        .join(projects, projects.c.id == snapshots.c.project_id)
        .where(snapshot_components.c.snapshot_id == snapshot_id, projects.c.team_id == team_id)
        .order_by(snapshot_components.c.id)
    )
    with portfolio.reading() as connection:
        return tuple(
            ComponentState(component=_component(row), health=_mapping(row.health))
            for row in connection.execute(query)
        )


def open_severities(portfolio: Portfolio, team_id: int, project_id: int) -> dict[str, int]:
    """How many of the project's findings are open (not fixed), per severity."""
    query = (
        select(findings.c.severity, func.count())
        .join(projects, projects.c.id == findings.c.project_id)
        .where(
            findings.c.project_id == project_id,
            projects.c.team_id == team_id,
            findings.c.fixed_at.is_(None),
        )
        .group_by(findings.c.severity)
    )
    with portfolio.reading() as connection:
        return {severity: int(count) for severity, count in connection.execute(query)}


def _mapping(value: object) -> Mapping[str, Any] | None:
    return value if isinstance(value, dict) else None


def _snapshot_state(row: Row[Any]) -> SnapshotState:
    return SnapshotState(
        id=row.id,
        project_id=row.project_id,
        uploaded_at=to_utc(row.uploaded_at),
        source_kind=row.source_kind,
        component_count=row.component_count,
        verdict_summary=dict(row.verdict_summary),
        health=_mapping(row.health),
        verdict=_mapping(row.verdict),
        evaluated_at=maybe_utc(row.evaluated_at),
    )


def _component(row: Row[Any]) -> StoredComponent:
    return StoredComponent(
        ecosystem=row.ecosystem,
        name=row.name,
        version=row.version,
        purl=row.purl,
        scope=row.scope,
        is_direct=row.direct,
        source_path=row.source_path,
    )


__all__ = [
    "ComponentState",
    "SnapshotState",
    "component_states",
    "latest_snapshot",
    "open_severities",
    "snapshot_history",
]
