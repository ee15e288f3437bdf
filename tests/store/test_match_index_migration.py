"""Migration 0003: a store written before it matches exactly as before once upgraded, and goes back down."""

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
from osswatch.advisories.osv_record import parse_advisory
from osswatch.advisories.store import AdvisoryStore, StoredRecord, digest, encode, index_key
from osswatch.store.schema import affected_packages
from tests.advisories.probes import probe_components
from tests.store.migration_checks import differences, migrating, pypi_records

# The tables as revision 0002 left them, written here as code of that time wrote them.
OLD = sa.MetaData()
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
OLD_INDEX = sa.Table(
    "affected_packages",
    OLD,
    sa.Column("ecosystem", sa.String(255)),
    sa.Column("name", sa.String(1024)),
    sa.Column("advisory_id", sa.String(255)),
)
WHEN = datetime(2024, 1, 1, tzinfo=UTC)


def _hand_written() -> list[dict[str, Any]]:
    """Records that exercise the rebuild: two entries of one package, GIT, withdrawn, compressed, invalid."""
    ranges = [{"type": "ECOSYSTEM", "events": [{"introduced": "1.0"}, {"fixed": "1.5"}]}]
    git = [{"type": "GIT", "repo": "https://example.org/r", "events": [{"introduced": "0"}, {"fixed": "ab"}]}]
    return [
        {
            "id": "HW-1",
            "modified": "2024-01-01T00:00:00Z",
            "affected": [
                {"package": {"ecosystem": "PyPI", "name": "Two_Entries"}, "ranges": ranges},
                {"package": {"ecosystem": "PyPI", "name": "two-entries"}, "versions": ["3.0"]},
                {"package": {"ecosystem": "PyPI", "name": "git-only"}, "ranges": git},
            ],
        },
        {
            "id": "HW-2",
            "modified": "2024-01-01T00:00:00Z",
            "withdrawn": "2024-02-01T00:00:00Z",
            "affected": [{"package": {"ecosystem": "PyPI", "name": "two-entries"}, "ranges": ranges}],
        },
        {
            "id": "HW-3",
            "modified": "2024-01-01T00:00:00Z",
            "details": "long " * 5000,  # stored compressed
            "affected": [{"package": {"ecosystem": "Debian:12", "name": "openssl"}, "ranges": ranges}],
        },
        {
            "id": "HW-4",
            "modified": "not a time",
            "affected": [{"package": {"ecosystem": "PyPI", "name": "bad"}}],
        },
    ]


def _write_as_0002(engine: Engine, raws: list[dict[str, Any]]) -> None:
    """Advisory and index rows as the store wrote them at revision 0002 (withdrawn ones indexed too)."""
    advisories: list[dict[str, Any]] = []
    index: list[dict[str, Any]] = []
    for raw in raws:
        data = json.dumps(raw).encode()
        withdrawn = WHEN if "withdrawn" in raw else None
        advisories.append(
            {"id": raw["id"], "source": "PyPI", "modified": WHEN, "withdrawn": withdrawn}
            | {"raw": encode(data), "digest": digest(data)}
        )
        keys = {index_key(e["package"]["ecosystem"], e["package"]["name"]) for e in raw["affected"]}
        index.extend({"ecosystem": e, "name": n, "advisory_id": raw["id"]} for e, n in keys)
    with engine.begin() as connection:
        connection.execute(sa.insert(OLD_ADVISORIES), advisories)
        connection.execute(sa.insert(OLD_INDEX), index)


def _rows(engine: Engine) -> set[tuple[Any, ...]]:
    with engine.connect() as connection:
        return {tuple(row) for row in connection.execute(sa.select(affected_packages))}


def test_upgrade_from_0002_with_data_gives_the_same_findings(
    database_url: str, shared_data: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    raws = pypi_records(shared_data) + _hand_written()
    engine = database.create_database_engine(database_url)
    database.upgrade(engine, "0002")
    _write_as_0002(engine, raws)
    with caplog.at_level(logging.WARNING):
        database.upgrade(engine)
    assert "store:HW-4" in caplog.text  # the invalid record is named, and left unindexed
    valid = [parse_advisory(raw, origin="t") for raw in raws[:-1]]
    components = probe_components(valid, listed=4, others=("0.1", "3.0", "99"))
    with AdvisoryStore(engine) as store:
        found = match_inventory(components, store)
    expected = match_inventory(components, InMemoryAdvisories(valid))
    assert found == expected
    assert len(expected) > 1000
    assert {"HW-1", "HW-3"} <= {f.id for f in found}
    assert "HW-2" not in {f.id for f in found}
    # The rebuilt index is the one a sync writes today.
    with AdvisoryStore.open(f"sqlite:///{tmp_path / 'fresh.db'}") as fresh:
        with fresh.writing() as writer:
            writer.put(
                [
                    StoredRecord(advisory=record, raw=json.dumps(raw).encode(), source="PyPI")
                    for record, raw in zip(valid, raws, strict=False)
                ]
            )
        assert _rows(fresh.engine) == _rows(engine)
    engine.dispose()


def test_down_to_0002_and_up_again(database_url: str) -> None:
    engine = database.open_database(database_url)
    try:
        with AdvisoryStore(engine).writing() as writer:
            raw = _hand_written()[0]
            writer.put(
                [
                    StoredRecord(
                        advisory=parse_advisory(raw, origin="t"), raw=json.dumps(raw).encode(), source="PyPI"
                    )
                ]
            )
        before = _rows(engine)
        with migrating(engine) as config:
            command.downgrade(config, "0002")
            columns = {
                c["name"] for c in inspect(config.attributes["connection"]).get_columns("affected_packages")
            }
            assert columns == {"ecosystem", "name", "advisory_id"}
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
