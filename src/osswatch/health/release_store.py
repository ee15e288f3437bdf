"""Release histories in the database: one row per package, one per version with its own publish time.

A scan reads the histories it fetched within the TTL straight from here (two queries for the whole
inventory), so a warm scan neither parses registry documents nor touches the network.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Row, Table, delete, insert, select
from sqlalchemy.exc import SQLAlchemyError

from osswatch.errors import StoreError
from osswatch.health.base import Release, ReleaseHistory
from osswatch.model import EcosystemName, Package
from osswatch.store.health_tables import health_packages, health_versions

_MAX_VERSION = 255  # the column width; longer strings are not versions anyone pins
_CHUNK = 500  # names per IN list


def _chunks(packages: Iterable[Package]) -> Iterator[tuple[str, list[str]]]:
    """(ecosystem, up to _CHUNK names) groups, for IN queries."""
    by_ecosystem: dict[str, list[str]] = defaultdict(list)
    for package in packages:
        by_ecosystem[package.ecosystem].append(package.name)
    for ecosystem, names in by_ecosystem.items():
        for start in range(0, len(names), _CHUNK):
            yield ecosystem, names[start : start + _CHUNK]


def save_histories(engine: Engine, histories: Iterable[ReleaseHistory], fetched_at: datetime) -> None:
    """Replace the stored history of each package, in one transaction."""
    unique = {h.package: h for h in histories}
    if not unique:
        return
    try:
        with engine.begin() as connection:
            for table in (health_versions, health_packages):  # versions first: they reference packages
                _delete(connection, table, unique)
            connection.execute(
                insert(health_packages), [_package_row(h, fetched_at) for h in unique.values()]
            )
            rows = [row for h in unique.values() for row in _version_rows(h)]
            if rows:
                connection.execute(insert(health_versions), rows)
    except SQLAlchemyError as e:
        raise StoreError(f"cannot store release histories: {e}") from e


def _delete(connection: Connection, table: Table, packages: Iterable[Package]) -> None:
    for ecosystem, names in _chunks(packages):
        connection.execute(delete(table).where(table.c.ecosystem == ecosystem, table.c.name.in_(names)))


def _package_row(history: ReleaseHistory, fetched_at: datetime) -> dict[str, object]:
    return {
        "ecosystem": history.package.ecosystem,
        "name": history.package.name,
        "source": history.source,
        "latest": history.latest,
        "repository": history.repository,
        "deprecated": history.deprecated,
        "fetched_at": fetched_at,
    }


def _version_rows(history: ReleaseHistory) -> list[dict[str, object]]:
    unique = {r.version: r for r in history.releases if len(r.version) <= _MAX_VERSION}
    return [
        {
            "ecosystem": history.package.ecosystem,
            "name": history.package.name,
            "version": r.version,
            "published": r.published,
            "yanked": r.is_yanked,
            "deprecated": r.deprecated,
        }
        for r in unique.values()
    ]


def load_histories(
    engine: Engine, packages: Iterable[Package], fetched_since: datetime | None = None
) -> dict[Package, ReleaseHistory]:
    """The stored histories of `packages` (fetched at or after `fetched_since`, when given)."""
    heads: dict[Package, Row[Any]] = {}
    releases: dict[Package, list[Release]] = defaultdict(list)
    try:
        with engine.connect() as connection:
            for ecosystem, names in _chunks(packages):
                for row in connection.execute(
                    select(health_packages).where(
                        health_packages.c.ecosystem == ecosystem, health_packages.c.name.in_(names)
                    )
                ):
                    if _is_fresh(row.fetched_at, fetched_since):
                        heads[_package(row.ecosystem, row.name)] = row
            for ecosystem, names in _chunks(heads):
                for row in connection.execute(
                    select(health_versions).where(
                        health_versions.c.ecosystem == ecosystem, health_versions.c.name.in_(names)
                    )
                ):
                    releases[_package(row.ecosystem, row.name)].append(
                        Release(
                            version=row.version,
                            published=_utc(row.published),
                            is_yanked=row.yanked,
                            deprecated=row.deprecated,
                        )
                    )
    except SQLAlchemyError as e:
        raise StoreError(f"cannot read release histories: {e}") from e
    return {p: _history(p, head, tuple(releases[p])) for p, head in heads.items()}


def _is_fresh(fetched_at: datetime, since: datetime | None) -> bool:
    moment = _utc(fetched_at)
    return since is None or (moment is not None and moment >= since)


def _package(ecosystem: str, name: str) -> Package:
    return Package(ecosystem=EcosystemName(ecosystem), name=name)


def _history(package: Package, head: Row[Any], releases: tuple[Release, ...]) -> ReleaseHistory:
    return ReleaseHistory(
        package=package,
        source=head.source,
        releases=releases,
        latest=head.latest,
        repository=head.repository,
        deprecated=head.deprecated,
    )


def load_history(engine: Engine, package: Package) -> ReleaseHistory | None:
    """The stored history of `package`, or None when it was never fetched."""
    return load_histories(engine, [package]).get(package)


def _utc(moment: datetime | None) -> datetime | None:
    # SQLite returns naive datetimes for timezone-aware columns; they were stored as UTC.
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


__all__ = ["load_histories", "load_history", "save_histories"]
