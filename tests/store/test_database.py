"""Opening and migrating the database on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from osswatch.errors import StoreError
from osswatch.store.database import (
    PAGE_SIZE,
    create_database_engine,
    current_revision,
    head_revision,
    open_database,
)
from osswatch.store.schema import metadata


def test_open_migrates_to_head_and_creates_every_table(database_url: str) -> None:
    engine = open_database(database_url)
    try:
        assert current_revision(engine) == head_revision()
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
        assert {"advisories", "affected_packages", "aliases", "sync_state", "alembic_version"} <= tables
        assert set(metadata.tables) <= tables  # the migrations and the schema module agree
        again = open_database(database_url)  # already at head: nothing to do
        assert current_revision(again) == head_revision()
        again.dispose()
    finally:
        engine.dispose()


def test_sqlite_is_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'nested' / 'folder' / 'db.sqlite'}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
            assert connection.exec_driver_sql("PRAGMA page_size").scalar() == PAGE_SIZE == 16384
    finally:
        engine.dispose()


def test_an_existing_sqlite_database_keeps_its_page_size(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    old = sqlite3.connect(path)
    old.execute("PRAGMA page_size = 4096")
    old.execute("CREATE TABLE kept (x INTEGER)")
    old.close()
    engine = open_database(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA page_size").scalar() == 4096
            assert "advisories" in inspect(connection).get_table_names()
    finally:
        engine.dispose()


def test_foreign_keys_cascade(database_url: str) -> None:
    engine = open_database(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO advisories (id, source, modified, raw, digest) "
                    "VALUES ('X-1', 'PyPI', :m, :r, :r)"
                ),
                {"m": "2024-01-01 00:00:00", "r": b"x"},
            )
            connection.execute(text("INSERT INTO aliases (advisory_id, alias) VALUES ('X-1', 'CVE-1')"))
            connection.execute(text("DELETE FROM advisories WHERE id = 'X-1'"))
            assert connection.execute(text("SELECT count(*) FROM aliases")).scalar() == 0
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("url", "message"),
    [("not a url", "not a database URL"), ("nosuchdb://x", "not a database URL .*nosuchdb")],
    ids=["garbage", "unknown-dialect"],
)
def test_bad_urls_are_store_errors(url: str, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        create_database_engine(url)


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "text.db"
    path.write_text("hello, I am not SQLite " * 100)
    with pytest.raises(StoreError, match=r"cannot open the database sqlite:///.*: file is not a database"):
        open_database(f"sqlite:///{path}")
