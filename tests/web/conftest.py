"""Fixtures for server tests: an app over a fresh database (SQLite and PostgreSQL) and keys of two teams."""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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


PROJECTS = "/api/v1/projects"


def create_project(client: TestClient, key: str, name: str = "web") -> int:
    """A new project through the API; its id."""
    response = client.post(PROJECTS, json={"name": name, "version": "1.0"}, headers=auth(key))
    assert response.status_code == 201, response.text
    project_id: int = response.json()["id"]
    return project_id


def upload_file(client: TestClient, key: str, project_id: int, path: Path, name: str = "poetry.lock") -> Any:
    """The body of a successful upload of `path` (sent as `name`) to the project."""
    response = client.post(
        f"{PROJECTS}/{project_id}/snapshots",
        params={"filename": name},
        content=path.read_bytes(),
        headers=auth(key),
    )
    assert response.status_code == 201, response.text
    return response.json()


def error_message(response: Any, status: int) -> str:
    """The message of an error response, after checking its status and the one error shape."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message"}
    message: str = body["error"]["message"]
    return message


@pytest.fixture(scope="session")
def vulnerable_numpy(shared_data: Path) -> str:
    """The numpy version the real PyPI advisories list most often as affected."""
    listed: Counter[str] = Counter()
    with zipfile.ZipFile(shared_data / "osv" / "PyPI" / "all.zip") as archive:
        for name in archive.namelist():
            record = json.loads(archive.read(name))
            for affected in record.get("affected", []):
                if affected.get("package", {}).get("name") == "numpy":
                    listed.update(affected.get("versions", []))
    return listed.most_common(1)[0][0]


@pytest.fixture
def vulnerable_lockfile(lockfile: Path, vulnerable_numpy: str, tmp_path: Path) -> Path:
    """The real itu-p1203 poetry.lock with numpy pinned to `vulnerable_numpy`: several findings."""
    text = lockfile.read_text()
    pinned = 'name = "numpy"\nversion = "2.0.2"\n'
    assert pinned in text
    path = tmp_path / "vulnerable" / "poetry.lock"
    path.parent.mkdir()
    path.write_text(text.replace(pinned, f'name = "numpy"\nversion = "{vulnerable_numpy}"\n'))
    return path
