"""Migration 0015: on SQLite the package index becomes a `WITHOUT ROWID` table, and nothing else changes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from sqlalchemy import Engine

import osswatch.store.database as database
from osswatch.advisories.osv_record import record_keys
from osswatch.advisories.store import AdvisoryStore, StoredRecord, index_key
from osswatch.model import EcosystemName, Package
from osswatch.store.schema import affected_packages
from tests.store.migration_checks import differences, migrating, pypi_records


def _rows(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return sorted(tuple(row) for row in connection.execute(sa.select(affected_packages)))


def _is_clustered(engine: Engine) -> bool:
    with engine.connect() as connection:
        sql = connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'affected_packages'"
        ).scalar_one()
    return "WITHOUT ROWID" in sql


def _store(engine: Engine, raws: list[dict[str, Any]]) -> None:
    with AdvisoryStore(engine).writing() as writer:
        writer.put(
            [
                StoredRecord(
                    advisory=record_keys(raw, origin="t"), raw=json.dumps(raw).encode(), source="PyPI"
                )
                for raw in raws
            ]
        )


def _candidates(engine: Engine, raws: list[dict[str, Any]]) -> dict[Package, list[str]]:
    names = {
        index_key(entry["package"]["ecosystem"], entry["package"]["name"])
        for raw in raws
        for entry in raw.get("affected", [])
        if "package" in entry
    }
    packages = [Package(ecosystem=EcosystemName(ecosystem), name=name) for ecosystem, name in names]
    with AdvisoryStore(engine) as store:
        found = store.candidates_for(packages)
    return {package: [c.id for c in candidates] for package, candidates in found.items()}


def test_upgrade_from_0014_keeps_every_row_and_every_lookup(database_url: str, shared_data: Path) -> None:
    raws = pypi_records(shared_data, 600)
    engine = database.create_database_engine(database_url)
    try:
        database.upgrade(engine, "0014")
        _store(engine, raws)
        rows, candidates = _rows(engine), _candidates(engine, raws)
        assert len(rows) > 500  # withdrawn records are not indexed
        database.upgrade(engine)
        assert _rows(engine) == rows
        assert _candidates(engine, raws) == candidates
        if engine.dialect.name == "sqlite":
            assert _is_clustered(engine)
        # The advisory index still serves removals: deleting a record takes its index rows with it.
        gone = raws[0]["id"]
        with AdvisoryStore(engine).writing() as writer:
            writer.remove([gone])
        assert [row for row in rows if row[2] != gone] == _rows(engine)
    finally:
        engine.dispose()


def test_down_to_0014_and_up_again(database_url: str, shared_data: Path) -> None:
    engine = database.open_database(database_url)
    try:
        _store(engine, pypi_records(shared_data, 100))
        before = _rows(engine)
        with migrating(engine) as config:
            command.downgrade(config, "0014")
        assert _rows(engine) == before
        if engine.dialect.name == "sqlite":
            assert not _is_clustered(engine)
        with migrating(engine) as config:
            command.upgrade(config, "head")
        assert _rows(engine) == before
        assert database.current_revision(engine) == database.head_revision()
        if engine.dialect.name == "sqlite":
            assert _is_clustered(engine)
    finally:
        engine.dispose()


def test_the_migrated_index_matches_the_table_definition(database_url: str) -> None:
    engine = database.open_database(database_url)
    try:
        assert differences(engine, {"affected_packages"}) == []
    finally:
        engine.dispose()
