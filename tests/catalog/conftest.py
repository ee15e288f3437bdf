"""Fixtures for catalog tests: a migrated database on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from osswatch.store.database import open_database


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An empty database migrated to head."""
    engine = open_database(database_url)
    try:
        yield engine
    finally:
        engine.dispose()
