"""Which of the team's projects use a package: the search box's answer for a package name.

The lookup goes through `osswatch.monitor.affected.using_query` (an index seek on (ecosystem, name) per
ecosystem, latest snapshots only) and keeps the team's projects; only then are the versions of those few
snapshots read. The name is normalized per ecosystem, as components are stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from osswatch.ecosystems.identity import IDENTITIES, normalize_name
from osswatch.monitor.affected import using_query
from osswatch.monitor.portfolio import Portfolio
from osswatch.store.portfolio_tables import snapshot_components, snapshots


@dataclass(frozen=True, kw_only=True, slots=True)
class PackageUse:
    """A component of a package in the latest snapshot of one of the team's projects."""

    project_id: int
    project_name: str
    ecosystem: str
    name: str
    version: str | None


def package_uses(portfolio: Portfolio, team_id: int, name: str) -> tuple[PackageUse, ...]:
    """The team's projects whose latest snapshot has a package called `name`, in any ecosystem."""
    team_projects = {p.id: p.name for p in portfolio.projects(team_id)}
    keys = sorted({(i.osv, normalize_name(i.osv, name.strip())) for i in IDENTITIES})
    found: list[PackageUse] = []
    with portfolio.reading() as connection:
        for ecosystem, key in keys:
            ids = set(connection.scalars(using_query(ecosystem, [key]))) & team_projects.keys()
            if ids:
                found.extend(_uses(connection, ecosystem, key, ids, team_projects))
    return tuple(sorted(found, key=lambda u: (u.project_name, u.ecosystem, u.version or "")))


def _uses(
    connection: Any, ecosystem: str, name: str, project_ids: set[int], names: dict[int, str]
) -> list[PackageUse]:
    newest = (
        select(snapshots.c.project_id, func.max(snapshots.c.id))
        .where(snapshots.c.project_id.in_(project_ids))
        .group_by(snapshots.c.project_id)
    )
    project_of = {snapshot_id: project_id for project_id, snapshot_id in connection.execute(newest)}
    query = (
        select(snapshot_components.c.snapshot_id, snapshot_components.c.version)
        .where(
            snapshot_components.c.ecosystem == ecosystem,
            snapshot_components.c.name == name,
            snapshot_components.c.snapshot_id.in_(project_of),
        )
        .distinct()
    )
    return [
        PackageUse(
            project_id=project_of[snapshot_id],
            project_name=names[project_of[snapshot_id]],
            ecosystem=ecosystem,
            name=name,
            version=version,
        )
        for snapshot_id, version in connection.execute(query)
    ]


__all__ = ["PackageUse", "package_uses"]
