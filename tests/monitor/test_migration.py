"""Migrations 0010 and 0011: they create exactly the portfolio tables, and goes down and up again cleanly."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect

import osswatch.store.portfolio_tables as portfolio_tables
from osswatch.store.database import WRITE_OPTION, current_revision, head_revision, open_database
from osswatch.store.schema import metadata

MIGRATIONS = Path(portfolio_tables.__file__).resolve().parent / "migrations"
PORTFOLIO = {
    "teams",
    "api_keys",
    "projects",
    "snapshots",
    "snapshot_components",
    "findings",
    "triage",
    "notification_rules",
    "notification_deliveries",
    "jobs",
}


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@contextmanager
def _migrating(engine: Engine) -> Iterator[Config]:
    config = _config()
    with engine.connect() as connection, connection.execution_options(**{WRITE_OPTION: True}).begin():
        config.attributes["connection"] = connection
        yield config


def _tables(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(inspect(connection).get_table_names())


def test_the_revisions_form_one_line_through_0010() -> None:
    script = ScriptDirectory.from_config(_config())
    assert len(script.get_heads()) == 1
    assert "0010" in {revision.revision for revision in script.walk_revisions()}
    assert {name for name in metadata.tables if name in PORTFOLIO} == PORTFOLIO


def test_the_migration_matches_the_table_definitions(database_url: str) -> None:
    engine = open_database(database_url)
    try:
        with engine.connect() as connection:
            differences = [d for d in _compare(connection) if _table_of(d) in PORTFOLIO]
    finally:
        engine.dispose()
    assert differences == []


def _compare(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


def _table_of(difference: Any) -> str | None:
    step = difference[0] if isinstance(difference, list) else difference
    for part in step[1:]:
        name = getattr(part, "table", None)
        name = getattr(name, "name", name) if name is not None else getattr(part, "name", None)
        if isinstance(name, str):
            return name
    return None


def test_down_and_up_again(database_url: str) -> None:
    engine = open_database(database_url)
    previous = ScriptDirectory.from_config(_config()).get_revision("0010").down_revision
    assert isinstance(previous, str)
    try:
        assert _tables(engine) >= PORTFOLIO
        with _migrating(engine) as config:
            command.downgrade(config, previous)
        assert current_revision(engine) == previous
        assert not PORTFOLIO & _tables(engine)
        assert {"advisories", "health_versions"} <= _tables(engine)  # older revisions' tables stay
        with _migrating(engine) as config:
            command.upgrade(config, "head")
        assert current_revision(engine) == head_revision()
        assert _tables(engine) >= PORTFOLIO
    finally:
        engine.dispose()
