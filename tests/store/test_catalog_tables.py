"""Migration 0012: it creates exactly the catalog tables, and goes down and up again cleanly."""

from __future__ import annotations

from alembic import command
from alembic.script import ScriptDirectory

import osswatch.store.catalog_tables as catalog_tables
from osswatch.catalog.model import Role
from osswatch.store.database import current_revision, head_revision, open_database
from osswatch.store.schema import metadata
from tests.store.migration_checks import alembic_config, differences, migrating, table_names

CATALOG = {"standards", "catalog_implementations"}


def test_0012_follows_0011_and_defines_the_catalog_tables() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1
    revision = script.get_revision("0012")
    assert revision is not None
    assert revision.down_revision == "0011"
    assert set(metadata.tables) >= CATALOG
    assert tuple(role.value for role in Role) == catalog_tables.IMPLEMENTATION_ROLES


def test_the_migration_matches_the_table_definitions(database_url: str) -> None:
    engine = open_database(database_url)
    try:
        assert differences(engine, CATALOG) == []
    finally:
        engine.dispose()


def test_down_and_up_again(database_url: str) -> None:
    engine = open_database(database_url)
    try:
        assert table_names(engine) >= CATALOG
        with migrating(engine) as config:
            command.downgrade(config, "0011")
        assert current_revision(engine) == "0011"
        assert not CATALOG & table_names(engine)
        assert {"projects", "advisories"} <= table_names(engine)  # older revisions' tables stay
        with migrating(engine) as config:
            command.upgrade(config, "head")
        assert current_revision(engine) == head_revision()
        assert table_names(engine) >= CATALOG
    finally:
        engine.dispose()
