"""Opening the database from a URL: SQLite (WAL, foreign keys) or PostgreSQL, migrated by Alembic.

SQLite: pysqlite opens transactions lazily and commits on its own around DDL, so the driver's
transaction handling is switched off and SQLAlchemy's `begin` emits `BEGIN IMMEDIATE` itself
(https://docs.sqlalchemy.org/en/20/dialects/sqlite.html#serializable-isolation-savepoints-transactional-ddl):
a sync is then one real transaction, and two writers wait (`busy_timeout`) instead of deadlocking.

A new SQLite database gets 16 KiB pages (`PAGE_SIZE`; SQLite's default is 4 KiB). Most stored OSV records
are 1-10 KB of JSON: in 4 KiB pages the larger ones spill into chains of overflow pages, and every
write of the index rows beside them touches more pages. Measured with benchmarks/sync.py (best of 5,
importing into a fresh database; the ratio is to merely unzipping and parsing the archive): Go 0.41 s
(3.35×) → 0.32 s (2.88×), PyPI 0.26 s (3.18×) → 0.22 s (2.76×); 32 and 64 KiB pages gave the same.
A database created earlier keeps its page size (`VACUUM` would apply the new one).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from osswatch.errors import StoreError

if TYPE_CHECKING:
    from alembic.config import Config

WRITE_OPTION = "osswatch_write"
"""Execution option marking a connection whose transactions write (`BEGIN IMMEDIATE` on SQLite)."""

_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_BUSY_TIMEOUT_MS = 30_000
PAGE_SIZE = 16_384
"""The page size of a new SQLite database (see the module doc); ignored by one that has tables."""


def create_database_engine(url: str) -> Engine:
    """An engine for `url` (SQLite files get WAL and foreign keys); StoreError if the URL is bad."""
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() != "sqlite":
            return create_engine(parsed, pool_pre_ping=True)
    except (ArgumentError, NoSuchModuleError, ImportError) as e:
        raise StoreError(f"not a database URL osswatch can open: {url!r} ({e})") from e
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed)
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _on_sqlite_connect(dbapi_connection: Any, _record: object) -> None:
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see the module docstring)
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA page_size = {PAGE_SIZE}")  # before WAL: a WAL database's is fixed once created
    cursor.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA synchronous = NORMAL")  # safe with WAL: a crash loses no committed data
    cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    # Writers take the write lock up front (IMMEDIATE) so they queue on `busy_timeout` instead of
    # failing on a read-to-write upgrade; readers stay DEFERRED so WAL lets them run alongside.
    is_write = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if is_write else "BEGIN")


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    return config


@cache
def head_revision() -> str:
    """The newest migration revision this code ships (and needs)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None, "the migrations folder has no revision"
    return head


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the Alembic migrations up to `revision`; StoreError if the database refuses."""
    from alembic import command

    config = _config()
    try:
        with engine.connect() as connection, connection.execution_options(**{WRITE_OPTION: True}).begin():
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    except SQLAlchemyError as e:
        raise StoreError(f"cannot migrate the database {_safe(engine)}: {_first_line(e)}") from e


def current_revision(engine: Engine) -> str | None:
    """The migration revision the database is at, or None when it was never migrated."""
    from alembic.runtime.migration import MigrationContext

    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            return MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError as e:
        raise StoreError(f"cannot open the database {_safe(engine)}: {_first_line(e)}") from e


def _safe(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _first_line(error: SQLAlchemyError) -> str:
    cause = error.orig if isinstance(error, DBAPIError) else error
    return str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__


def open_database(url: str) -> Engine:
    """An engine for `url`, migrated to the newest revision when it is behind."""
    engine = create_database_engine(url)
    if current_revision(engine) != head_revision():
        upgrade(engine)
    return engine


__all__ = [
    "WRITE_OPTION",
    "create_database_engine",
    "current_revision",
    "head_revision",
    "open_database",
    "upgrade",
]
