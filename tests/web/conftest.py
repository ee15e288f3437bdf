"""Fixtures for server tests: an app over a fresh database (SQLite and PostgreSQL) and keys of two teams."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from osswatch.advisories.local import import_path
from osswatch.advisories.store import AdvisoryStore
from osswatch.monitor.portfolio import Portfolio
from osswatch.monitor.records import Role
from osswatch.web.app import create_app


@dataclass(frozen=True, kw_only=True, slots=True)
class Keys:
    """Plaintext keys: team A's viewer, editor and admin, and team B's editor."""

    viewer: str
    editor: str
    admin: str
    other_team: str


def auth(key: str) -> dict[str, str]:
    """The bearer header of a key."""
    return {"Authorization": f"Bearer {key}"}


def make_keys(database_url: str) -> Keys:
    """Two teams and their keys in the database."""
    portfolio = Portfolio.open(database_url)
    now = datetime.now(UTC)
    try:
        team_a = portfolio.create_team("team-a", now=now)
        team_b = portfolio.create_team("team-b", now=now)
        return Keys(
            viewer=portfolio.create_key(team_a.id, Role.VIEWER, "vera", now=now)[1],
            editor=portfolio.create_key(team_a.id, Role.EDITOR, "eddie", now=now)[1],
            admin=portfolio.create_key(team_a.id, Role.ADMIN, "ada", now=now)[1],
            other_team=portfolio.create_key(team_b.id, Role.EDITOR, "bob", now=now)[1],
        )
    finally:
        portfolio.close()


def import_pypi(database_url: str, shared_data: Path) -> None:
    """The real PyPI OSV export imported into the database."""
    with AdvisoryStore.open(database_url) as store:
        import_path(store, shared_data / "osv" / "PyPI" / "all.zip")


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    """A test client of the app over an empty database."""
    with TestClient(create_app(database_url)) as test_client:
        yield test_client


@pytest.fixture
def keys(client: TestClient, database_url: str) -> Keys:
    """Keys of two teams, in the client's database."""
    return make_keys(database_url)


@pytest.fixture
def with_advisories(client: TestClient, database_url: str, shared_data: Path) -> TestClient:
    """The client, with the real PyPI advisories in its database."""
    import_pypi(database_url, shared_data)
    return client


@pytest.fixture
def lockfile(shared_data: Path) -> Path:
    """The real itu-p1203 poetry.lock (it pins `py` 1.11.0, affected by PYSEC-2022-42969)."""
    return shared_data / "lockfiles" / "itu-p1203" / "poetry.lock"
