"""Migrations 0010 and 0011: they create exactly the portfolio tables, and goes down and up again cleanly."""

from __future__ import annotations

from alembic import command
from alembic.script import ScriptDirectory

from osswatch.store.database import current_revision, head_revision, open_database
from osswatch.store.schema import metadata
from tests.store.migration_checks import alembic_config, differences, migrating, table_names

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


def test_the_revisions_form_one_line_through_0010() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1
    assert "0010" in {revision.revision for revision in script.walk_revisions()}
    assert {name for name in metadata.tables if name in PORTFOLIO} == PORTFOLIO


def test_the_migration_matches_the_table_definitions(database_url: str) -> None:
    engine = open_database(database_url)
    try:
        assert differences(engine, PORTFOLIO) == []
    finally:
        engine.dispose()


def test_down_and_up_again(database_url: str) -> None:
    engine = open_database(database_url)
    previous = ScriptDirectory.from_config(alembic_config()).get_revision("0010").down_revision
    assert isinstance(previous, str)
    try:
        assert table_names(engine) >= PORTFOLIO
        with migrating(engine) as config:
            command.downgrade(config, previous)
        assert current_revision(engine) == previous
        assert not PORTFOLIO & table_names(engine)
        assert {"advisories", "health_versions"} <= table_names(engine)  # older revisions' tables stay
        with migrating(engine) as config:
            command.upgrade(config, "head")
        assert current_revision(engine) == head_revision()
        assert table_names(engine) >= PORTFOLIO
    finally:
        engine.dispose()
