"""Migration 0014: an older store then finds exactly what one synced afresh finds, and goes back down."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import Engine, inspect

import osswatch.store.database as database
from osswatch.advisories.base import InMemoryAdvisories
from osswatch.advisories.match import match_inventory
from osswatch.advisories.osv_record import parse_advisory, record_keys
from osswatch.advisories.store import AdvisoryStore, StoredRecord, digest, encode, index_rows
from osswatch.store.schema import affected_packages
from tests.advisories.probes import probe_components
from tests.store.migration_checks import differences, migrating, pypi_records

# The index as revision 0013 left it: match-ready entries, no finding form.
OLD = sa.MetaData()
OLD_INDEX = sa.Table(
    "affected_packages",
    OLD,
    sa.Column("ecosystem", sa.String(255)),
    sa.Column("name", sa.String(1024)),
    sa.Column("advisory_id", sa.String(255)),
    sa.Column("match", sa.Text),
)
OLD_ADVISORIES = sa.Table(
    "advisories",
    OLD,
    sa.Column("id", sa.String(255)),
    sa.Column("source", sa.String(255)),
    sa.Column("modified", sa.DateTime(timezone=True)),
    sa.Column("withdrawn", sa.DateTime(timezone=True)),
    sa.Column("raw", sa.LargeBinary),
    sa.Column("digest", sa.LargeBinary(16)),
)
_OLD_COLUMNS = ("ecosystem", "name", "advisory_id", "match")
INVALID: dict[str, Any] = {
    "id": "HW-BAD",
    "modified": "not a time",
    "affected": [{"package": {"ecosystem": "PyPI", "name": "x"}}],
}
"""A record stored before it stopped validating: left unindexed, with a warning."""


def _write_as_0013(engine: Engine, raws: list[dict[str, Any]]) -> None:
    """Advisory rows as a sync writes them, and index rows as revision 0013 wrote them (no finding form)."""
    advisories: list[dict[str, Any]] = []
    index: list[dict[str, Any]] = []
    for raw in raws:
        data = json.dumps(raw).encode()
        modified = datetime(2024, 1, 1, tzinfo=UTC)
        withdrawn = modified if "withdrawn" in raw else None
        advisories.append(
            {"id": raw["id"], "source": "PyPI", "modified": modified, "withdrawn": withdrawn}
            | {"raw": encode(data), "digest": digest(data)}
        )
        if raw is not INVALID:
            keys = record_keys(raw, origin="t")
            index.extend(dict(zip(_OLD_COLUMNS, row[:4], strict=True)) for row in index_rows(keys))
    with engine.begin() as connection:
        connection.execute(sa.insert(OLD_ADVISORIES), advisories)
        connection.execute(sa.insert(OLD_INDEX), index)


def _rows(engine: Engine) -> set[tuple[Any, ...]]:
    with engine.connect() as connection:
        return {tuple(row) for row in connection.execute(sa.select(affected_packages))}


def test_upgrade_from_0013_with_data_finds_what_a_fresh_sync_finds(
    database_url: str, shared_data: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    raws = pypi_records(shared_data)
    engine = database.create_database_engine(database_url)
    database.upgrade(engine, "0013")
    _write_as_0013(engine, [*raws, INVALID])
    with caplog.at_level(logging.WARNING):
        database.upgrade(engine)
    assert "store:HW-BAD" in caplog.text
    records = [parse_advisory(raw, origin="t") for raw in raws]
    components = probe_components(records, listed=4)
    with AdvisoryStore(engine) as store:
        found = match_inventory(components, store)
    assert found == match_inventory(components, InMemoryAdvisories(records))
    assert len(found) > 1000
    # The rebuilt index is the one a sync writes today.
    with AdvisoryStore.open(f"sqlite:///{tmp_path / 'fresh.db'}") as fresh:
        with fresh.writing() as writer:
            writer.put(
                [
                    StoredRecord(advisory=record, raw=json.dumps(raw).encode(), source="PyPI")
                    for record, raw in zip(records, raws, strict=True)
                ]
            )
        assert _rows(fresh.engine) == _rows(engine)
    engine.dispose()


def test_down_to_0013_and_up_again(database_url: str, shared_data: Path) -> None:
    engine = database.open_database(database_url)
    try:
        raws = pypi_records(shared_data)[:50]
        with AdvisoryStore(engine).writing() as writer:
            writer.put(
                [
                    StoredRecord(
                        advisory=record_keys(raw, origin="t"), raw=json.dumps(raw).encode(), source="PyPI"
                    )
                    for raw in raws
                ]
            )
        before = _rows(engine)
        with migrating(engine) as config:
            command.downgrade(config, "0013")
            connection = config.attributes["connection"]
            assert {c["name"] for c in inspect(connection).get_columns("affected_packages")} == set(
                _OLD_COLUMNS
            )
            command.upgrade(config, "head")
        assert _rows(engine) == before
        assert database.current_revision(engine) == database.head_revision()
    finally:
        engine.dispose()


def test_the_migration_matches_the_table_definition(database_url: str) -> None:
    engine = database.open_database(database_url)
    try:
        assert differences(engine, {"affected_packages"}) == []
    finally:
        engine.dispose()
