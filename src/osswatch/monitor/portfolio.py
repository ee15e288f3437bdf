"""The portfolio repository: teams, their API keys and projects, and the projects' snapshots.

Every read takes the caller's team id and filters by it, so a team never sees another team's rows; a row
of another team looks exactly like a row that does not exist (`UnknownRecord`), so ids leak nothing.
Times are stored as UTC (SQLite keeps no zone) and read back as aware UTC datetimes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Row, Table, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from osswatch.errors import InputError, StoreError
from osswatch.monitor import keys
from osswatch.monitor.records import ApiKey, Project, Role, Snapshot, StoredComponent, Team
from osswatch.store import database
from osswatch.store.portfolio_tables import api_keys, projects, snapshot_components, snapshots, teams


class UnknownRecord(InputError):
    """A team, project, snapshot, finding or key that does not exist for the caller's team."""


class Conflict(InputError):
    """A name that is already taken (a team name, a project name within a team)."""


def check_lengths(table: Table, row: Mapping[str, object]) -> None:
    """InputError when a string of `row` is longer than its column allows (PostgreSQL would refuse it)."""
    for key, value in row.items():
        limit = getattr(table.c[key].type, "length", None)
        if isinstance(value, str) and limit is not None and len(value) > limit:
            raise InputError(f"{table.name}.{key} is longer than {limit} characters: {value[:40]!r}…")
        if isinstance(value, str) and not value.strip() and key == "name":
            raise InputError(f"{table.name}.name must not be empty")


def to_utc(moment: datetime) -> datetime:
    """`moment` in UTC; a naive datetime (as SQLite returns them) is taken to be UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def maybe_utc(moment: datetime | None) -> datetime | None:
    """`to_utc` that lets None through."""
    return None if moment is None else to_utc(moment)


class Portfolio:
    """Teams, keys, projects and snapshots in one database (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str) -> Portfolio:
        """The portfolio at a database URL, migrated to the current schema first."""
        return cls(database.open_database(url))

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """One write transaction: committed when the block ends, rolled back on error."""
        try:
            with self.engine.connect() as connection:
                connection.execution_options(**{database.WRITE_OPTION: True})
                with connection.begin():
                    yield connection
        except IntegrityError as e:
            raise Conflict(f"already exists: {_first_line(e)}") from e
        except SQLAlchemyError as e:
            raise StoreError(f"cannot write the portfolio: {_first_line(e)}") from e

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection for reads."""
        try:
            with self.engine.connect() as connection:
                yield connection
        except SQLAlchemyError as e:
            raise StoreError(f"cannot read the portfolio: {_first_line(e)}") from e

    # --- teams and keys -----------------------------------------------------------------------

    def create_team(self, name: str, *, now: datetime) -> Team:
        """A new team; Conflict if the name is taken."""
        check_lengths(teams, {"name": name})
        with self.writing() as connection:
            team_id = connection.execute(
                insert(teams).values(name=name, created=to_utc(now)).returning(teams.c.id)
            ).scalar_one()
        return Team(id=team_id, name=name, created=to_utc(now))

    def team(self, team_id: int) -> Team:
        """The team with this id; UnknownRecord if there is none."""
        with self.reading() as connection:
            row = connection.execute(select(teams).where(teams.c.id == team_id)).one_or_none()
        if row is None:
            raise UnknownRecord(f"no team {team_id}")
        return Team(id=row.id, name=row.name, created=to_utc(row.created))

    def create_key(self, team_id: int, role: Role, name: str, *, now: datetime) -> tuple[ApiKey, str]:
        """A new API key of the team, and its plaintext: returned this once, never stored."""
        self.team(team_id)
        new = keys.make_key()
        values = {"team_id": team_id, "role": role.value, "name": name, "prefix": new.prefix}
        check_lengths(api_keys, values)
        with self.writing() as connection:
            key_id = connection.execute(
                insert(api_keys).values(**values, hash=new.hash, created=to_utc(now)).returning(api_keys.c.id)
            ).scalar_one()
        key = ApiKey(id=key_id, team_id=team_id, role=role, name=name, prefix=new.prefix, created=to_utc(now))
        return key, new.plaintext

    def authenticate(self, plaintext: str) -> ApiKey | None:
        """The live key `plaintext` is, or None (malformed, unknown, wrong secret, or revoked)."""
        parts = keys.split_key(plaintext)
        if parts is None:
            return None
        prefix, secret = parts
        with self.reading() as connection:
            row = connection.execute(select(api_keys).where(api_keys.c.prefix == prefix)).one_or_none()
        if row is None or row.revoked_at is not None or not keys.verify_secret(secret, row.hash):
            return None
        return _api_key(row)

    def keys(self, team_id: int) -> tuple[ApiKey, ...]:
        """The team's keys, revoked ones included, oldest first."""
        query = select(api_keys).where(api_keys.c.team_id == team_id).order_by(api_keys.c.id)
        with self.reading() as connection:
            return tuple(_api_key(row) for row in connection.execute(query))

    def revoke_key(self, team_id: int, key_id: int, *, now: datetime) -> None:
        """Revoke one of the team's keys; UnknownRecord if the team has no such key."""
        with self.writing() as connection:
            done = connection.execute(
                update(api_keys)
                .where(api_keys.c.id == key_id, api_keys.c.team_id == team_id)
                .values(revoked_at=to_utc(now))
            ).rowcount
        if not done:
            raise UnknownRecord(f"no key {key_id} in team {team_id}")

    # --- projects and snapshots -----------------------------------------------------------------

    def create_project(
        self, team_id: int, name: str, *, now: datetime, version: str | None = None, tags: Iterable[str] = ()
    ) -> Project:
        """A new project of the team; Conflict if the team already has one of that name."""
        self.team(team_id)
        tag_list = sorted(set(tags))
        values = {"team_id": team_id, "name": name, "version": version, "tags": tag_list}
        check_lengths(projects, values)
        with self.writing() as connection:
            project_id = connection.execute(
                insert(projects).values(**values, created=to_utc(now)).returning(projects.c.id)
            ).scalar_one()
        return Project(
            id=project_id,
            team_id=team_id,
            name=name,
            version=version,
            tags=tuple(tag_list),
            created=to_utc(now),
        )

    def project(self, team_id: int, project_id: int) -> Project:
        """One of the team's projects; UnknownRecord if the team has no such project."""
        query = select(projects).where(projects.c.id == project_id, projects.c.team_id == team_id)
        with self.reading() as connection:
            row = connection.execute(query).one_or_none()
        if row is None:
            raise UnknownRecord(f"no project {project_id} in team {team_id}")
        return _project(row)

    def projects(self, team_id: int) -> tuple[Project, ...]:
        """The team's projects, by name."""
        query = select(projects).where(projects.c.team_id == team_id).order_by(projects.c.name)
        with self.reading() as connection:
            return tuple(_project(row) for row in connection.execute(query))

    def snapshots(self, team_id: int, project_id: int) -> tuple[Snapshot, ...]:
        """The snapshots of one of the team's projects, oldest first."""
        query = (
            select(snapshots)
            .join(projects, projects.c.id == snapshots.c.project_id)
            .where(snapshots.c.project_id == project_id, projects.c.team_id == team_id)
            .order_by(snapshots.c.id)
        )
        with self.reading() as connection:
            return tuple(snapshot_record(row) for row in connection.execute(query))

    def components(self, team_id: int, snapshot_id: int) -> tuple[StoredComponent, ...]:
        """The components of one snapshot of the team's projects (empty for another team's)."""
        query = (
            select(snapshot_components)
            .join(snapshots, snapshots.c.id == snapshot_components.c.snapshot_id)
            .join(projects, projects.c.id == snapshots.c.project_id)
            .where(snapshot_components.c.snapshot_id == snapshot_id, projects.c.team_id == team_id)
            .order_by(snapshot_components.c.id)
        )
        with self.reading() as connection:
            return tuple(component_record(row) for row in connection.execute(query))


def _api_key(row: Row[Any]) -> ApiKey:
    return ApiKey(
        id=row.id,
        team_id=row.team_id,
        role=Role(row.role),
        name=row.name,
        prefix=row.prefix,
        created=to_utc(row.created),
        revoked_at=maybe_utc(row.revoked_at),
    )


def _project(row: Row[Any]) -> Project:
    return Project(
        id=row.id,
        team_id=row.team_id,
        name=row.name,
        version=row.version,
        tags=tuple(row.tags),
        created=to_utc(row.created),
    )


def snapshot_record(row: Row[Any]) -> Snapshot:
    """A `snapshots` row as a record (a stored analysis document that is not an object reads as None)."""
    return Snapshot(
        id=row.id,
        project_id=row.project_id,
        uploaded_at=to_utc(row.uploaded_at),
        source_kind=row.source_kind,
        component_count=row.component_count,
        verdict_summary=dict(row.verdict_summary),
        health=_document(row.health),
        verdict=_document(row.verdict),
        evaluated_at=maybe_utc(row.evaluated_at),
    )


def component_record(row: Row[Any]) -> StoredComponent:
    """A `snapshot_components` row as a record."""
    return StoredComponent(
        ecosystem=row.ecosystem,
        name=row.name,
        version=row.version,
        purl=row.purl,
        scope=row.scope,
        is_direct=row.direct,
        source_path=row.source_path,
        health=_document(row.health),
    )


def _document(value: object) -> dict[str, Any] | None:
    return dict(value) if isinstance(value, dict) else None


def _first_line(error: SQLAlchemyError) -> str:
    cause = getattr(error, "orig", None) or error
    text = str(cause).strip()
    return text.splitlines()[0] if text else type(cause).__name__


__all__ = [
    "ApiKey",
    "Conflict",
    "Portfolio",
    "Project",
    "Role",
    "Snapshot",
    "StoredComponent",
    "Team",
    "UnknownRecord",
    "check_lengths",
    "component_record",
    "maybe_utc",
    "snapshot_record",
    "to_utc",
]
