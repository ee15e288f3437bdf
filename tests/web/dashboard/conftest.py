"""Fixtures for dashboard tests: a portfolio of two teams built from real lockfiles and real PyPI advisories.

Team A has four projects: `itu-p1203` (its real requirements.txt, then its real poetry.lock: two snapshots,
`py` 1.11.0 open with PYSEC-2022-42969), `itu-p1203-slim` (the same files the other way round, so that
finding is fixed), `acapy` (its real poetry.lock) and `credo-ts` (its real pnpm lock: npm, no advisories
imported, so no findings). Team B has one project with the
itu-p1203 poetry.lock, which team A must never see. Everything is uploaded through the REST API.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from osswatch.web.app import create_app
from tests.store_fixtures import POSTGRES
from tests.web.conftest import Keys, auth, import_pypi, make_keys

UPLOADS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("team-a", "itu-p1203", ("itu-p1203/requirements.txt", "itu-p1203/poetry.lock")),
    ("team-a", "itu-p1203-slim", ("itu-p1203/poetry.lock", "itu-p1203/requirements.txt")),
    ("team-a", "acapy", ("acapy/poetry.lock",)),
    ("team-a", "credo-ts", ("credo-ts/pnpm-lock.yaml",)),
    ("team-b", "team-b-service", ("itu-p1203/poetry.lock",)),
)
"""(team, project, lockfiles under shared/data/lockfiles uploaded in order)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Built:
    """The project ids of the built portfolio, by name."""

    projects: dict[str, int]


Poster = Callable[..., Any]
"""`client.post`-like: (url, *, headers, json | files) → a response with `.status_code` and `.json()`."""


def build_portfolio(post: Poster, keys: Keys, shared_data: Path) -> Built:
    """Create the projects of UPLOADS and upload their real lockfiles through the REST API."""
    editors = {"team-a": keys.editor, "team-b": keys.other_team}
    ids: dict[str, int] = {}
    for team, name, files in UPLOADS:
        headers = auth(editors[team])
        created = post("/api/v1/projects", headers=headers, json={"name": name, "tags": [team]})
        assert created.status_code == 201, created.text
        ids[name] = created.json()["id"]
        for relative in files:
            path = shared_data / "lockfiles" / relative
            upload = {"file": (path.name, path.read_bytes())}
            done = post(f"/api/v1/projects/{ids[name]}/snapshots", headers=headers, files=upload)
            assert done.status_code == 201, done.text
    return Built(projects=ids)


@pytest.fixture
def built(with_advisories: TestClient, keys: Keys, shared_data: Path) -> Built:
    """The portfolio of UPLOADS in the client's database."""
    return build_portfolio(with_advisories.post, keys, shared_data)


@dataclass(frozen=True, kw_only=True, slots=True)
class Site:
    """A test client over a built portfolio, its keys and project ids (shared: read-only tests only)."""

    client: TestClient
    keys: Keys
    built: Built


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
    ids=["sqlite", "postgresql"],
)
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, shared_data: Path
) -> Iterator[Site]:
    """The portfolio of UPLOADS built once per module and database, for tests that only read it."""
    schema = f"test_{uuid.uuid4().hex}"
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('site') / 'osswatch.db'}"
    else:
        with psycopg.connect(POSTGRES, autocommit=True) as connection:
            connection.execute(f'CREATE SCHEMA "{schema}"')
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"
    try:
        with TestClient(create_app(url)) as client:
            keys = make_keys(url)
            import_pypi(url, shared_data)
            yield Site(client=client, keys=keys, built=build_portfolio(client.post, keys, shared_data))
    finally:
        if request.param == "postgresql":
            with psycopg.connect(POSTGRES, autocommit=True) as connection:
                connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


def signed_in(client: TestClient, key: str) -> TestClient:
    """The client with the session cookie of `key` (set by posting the sign-in form)."""
    response = client.post("/login", data={"key": key}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return client


__all__ = ["UPLOADS", "Built", "Site", "build_portfolio", "import_pypi", "signed_in"]
