"""What a project looks like now and before: its snapshots (newest first, paged) and open findings.

The analysis of a snapshot (`snapshots.health`, `snapshots.verdict`, `snapshot_components.health`) is
written by the server-side pipeline when a file is uploaded or re-evaluated; here it is only read back.
Each column may be null (not assessed yet, or no policy evaluated), and readers say so rather than guess.
Every read takes the caller's team id: another team's project looks like a missing one (`UnknownRecord`).
"""

from __future__ import annotations

from sqlalchemy import func, select

from osswatch.monitor.portfolio import Portfolio, snapshot_record
from osswatch.monitor.records import Snapshot
from osswatch.store.portfolio_tables import findings, projects, snapshots


def latest_snapshot(portfolio: Portfolio, team_id: int, project_id: int) -> Snapshot | None:
    """The newest snapshot of one of the team's projects, or None before the first upload."""
    _, found = snapshot_history(portfolio, team_id, project_id, limit=1, offset=0)
    return found[0] if found else None


def snapshot_history(
    portfolio: Portfolio, team_id: int, project_id: int, *, limit: int, offset: int
) -> tuple[int, tuple[Snapshot, ...]]:
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
        return int(total), tuple(snapshot_record(row) for row in rows)


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


__all__ = [
    "latest_snapshot",
    "open_severities",
    "snapshot_history",
]
