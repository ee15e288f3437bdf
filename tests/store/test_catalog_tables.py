"""Migration 0012: it creates exactly the catalog tables, and goes down and up again cleanly."""

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

import osswatch.store.catalog_tables as catalog_tables
from osswatch.catalog.model import Role
from osswatch.store.database import WRITE_OPTION, current_revision, head_revision, open_database
from osswatch.store.schema import metadata

MIGRATIONS = Path(catalog_tables.__file__).resolve().parent / "migrations"
CATALOG = {"standards", "catalog_implementations"}


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


def test_0012_follows_0011_and_defines_the_catalog_tables() -> None:
    script = ScriptDirectory.from_config(_config())
    assert len(script.get_heads()) == 1
    revision = script.get_revision("0012")
    assert revision is not None
    assert revision.down_revision == "0011"
    assert set(metadata.tables) >= CATALOG
    assert tuple(role.value for role in Role) == catalog_tables.IMPLEMENTATION_ROLES


def test_the_migration_matches_the_table_definitions(database_url: str) -> None:
    engine = open_database(database_url)
    try:
        with engine.connect() as connection:
            differences = [d for d in _compare(connection) if _table_of(d) in CATALOG]
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
    try:
        assert _tables(engine) >= CATALOG
        with _migrating(engine) as config:
            command.downgrade(config, "0011")
        assert current_revision(engine) == "0011"
        assert not CATALOG & _tables(engine)
        assert {"projects", "advisories"} <= _tables(engine)  # older revisions' tables stay
        with _migrating(engine) as config:
            command.upgrade(config, "head")
        assert current_revision(engine) == head_revision()
        assert _tables(engine) >= CATALOG
    finally:
        engine.dispose()
