"""Which projects an advisory change touches: a lookup through the snapshot component index.

When advisories are added or modified, only the projects whose latest snapshot has a component of an
affected package need re-evaluating. The lookup seeks `ix_snapshot_components_package` by (ecosystem,
name), and keeps a hit only when its snapshot is the project's newest (a correlated max over
`ix_snapshots_project`), so it never scans all components. This is a system-wide query for workers: it
returns project ids of every team, and must never answer an API request directly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from sqlalchemy import Select, func, select

from osswatch.ecosystems.identity import base_ecosystem, normalize_name
from osswatch.model import Advisory, Package
from osswatch.monitor.portfolio import Portfolio
from osswatch.store.portfolio_tables import snapshot_components, snapshots

_CHUNK = 500  # names per IN list


def projects_using(portfolio: Portfolio, packages: Iterable[Package]) -> set[int]:
    """Ids of the projects whose latest snapshot has a component of one of `packages`."""
    found: set[int] = set()
    with portfolio.reading() as connection:
        for ecosystem, names in _chunks(packages):
            found.update(connection.scalars(using_query(ecosystem, names)))
    return found


def projects_affected_by(portfolio: Portfolio, advisories: Iterable[Advisory]) -> set[int]:
    """Ids of the projects that use a package named in the `affected[]` of any of `advisories`."""
    packages = {affected.package for advisory in advisories for affected in advisory.affected}
    return projects_using(portfolio, packages)


def using_query(ecosystem: str, names: list[str]) -> Select[int]:
    """The projects whose latest snapshot has a component `ecosystem`/`name` for one of `names`."""
    latest = snapshots.alias("latest")
    newest = (
        select(func.max(latest.c.id)).where(latest.c.project_id == snapshots.c.project_id).scalar_subquery()
    )
    return (
        select(snapshots.c.project_id)
        .distinct()
        .join(snapshot_components, snapshot_components.c.snapshot_id == snapshots.c.id)
        .where(
            snapshot_components.c.ecosystem == ecosystem,
            snapshot_components.c.name.in_(names),
            snapshots.c.id == newest,
        )
    )


def _chunks(packages: Iterable[Package]) -> Iterator[tuple[str, list[str]]]:
    """(base ecosystem, up to _CHUNK normalized names) groups, keyed as components are stored."""
    by_ecosystem: dict[str, set[str]] = defaultdict(set)
    for package in packages:
        ecosystem = base_ecosystem(package.ecosystem)
        by_ecosystem[ecosystem].add(normalize_name(ecosystem, package.name))
    for ecosystem, names in by_ecosystem.items():
        ordered = sorted(names)
        for start in range(0, len(ordered), _CHUNK):
            yield ecosystem, ordered[start : start + _CHUNK]


__all__ = ["projects_affected_by", "projects_using", "using_query"]
