"""`/api/v1/catalog`: the standards catalog with the health of the caller's team's projects, no other's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from osswatch.catalog.load import example_catalog
from osswatch.catalog.model import Catalog, Implementation, Role, Standard
from osswatch.catalog.store import CatalogStore
from osswatch.store.database import open_database
from tests.web.conftest import Keys, auth

CATALOG = "/api/v1/catalog"


def _replace(database_url: str, catalog: Catalog) -> None:
    engine = open_database(database_url)
    try:
        CatalogStore(engine).replace(catalog)
    finally:
        engine.dispose()


@pytest.fixture
def with_catalog(with_advisories: TestClient, database_url: str) -> TestClient:
    """The client, with the real PyPI advisories and the example catalog in its database."""
    _replace(database_url, example_catalog())
    return with_advisories


def _get(client: TestClient, key: str, path: str = CATALOG) -> Any:
    response = client.get(path, headers=auth(key))
    assert response.status_code == 200, response.text
    return response.json()


def _p1203(document: dict[str, Any]) -> dict[str, Any]:
    implementation: dict[str, Any] = document["standards"][0]["implementations"][0]
    assert implementation["repository"] == "https://github.com/itu-p1203/itu-p1203"
    return implementation


def test_the_catalog_needs_a_key(client: TestClient) -> None:
    response = client.get(CATALOG)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_an_empty_catalog(client: TestClient, keys: Keys) -> None:
    assert _get(client, keys.viewer) == {"standards": []}


def test_health_of_the_teams_own_project_only(with_catalog: TestClient, keys: Keys, lockfile: Path) -> None:
    client = with_catalog
    before = _get(client, keys.viewer)
    assert [s["id"] for s in before["standards"]] == [s.id for s in example_catalog().standards]
    assert not any(i["linked"] for s in before["standards"] for i in s["implementations"])

    created = client.post("/api/v1/projects", json={"name": "itu-p1203"}, headers=auth(keys.editor))
    assert created.status_code == 201, created.text
    project_id = created.json()["id"]
    uploaded = client.post(
        f"/api/v1/projects/{project_id}/snapshots",
        params={"filename": "poetry.lock"},
        content=lockfile.read_bytes(),
        headers=auth(keys.editor),
    )
    assert uploaded.status_code in (200, 201), uploaded.text

    linked = _p1203(_get(client, keys.viewer))
    assert linked["linked"] is True
    assert linked["project_id"] == project_id
    assert linked["snapshot_id"] is not None
    assert linked["verdict"] in ("passed", "failed")
    findings = _get(client, keys.viewer, f"/api/v1/projects/{project_id}/findings")["findings"]
    assert sum(linked["open_findings"].values()) == len(findings) > 0
    assert linked["open_findings"]["high"] == sum(
        1 for f in findings if f["vulnerability"]["severity"] == "high"
    )

    # Team B sees exactly what it saw before team A's project existed: nothing leaks.
    assert _get(client, keys.other_team) == before


def test_one_standard_by_its_encoded_id(with_catalog: TestClient, keys: Keys) -> None:
    listed = _get(with_catalog, keys.viewer)
    one = _get(with_catalog, keys.viewer, f"{CATALOG}/ITU-T%20P.1203")
    assert one == listed["standards"][0]
    assert _get(with_catalog, keys.viewer, f"{CATALOG}/ITU-T H.266.2")["id"] == "ITU-T H.266.2"


def test_an_id_with_a_slash(client: TestClient, keys: Keys, database_url: str) -> None:
    vvc = Standard(
        id="ISO/IEC 23090-3",
        body="ISO/IEC",
        number="23090-3",
        title="Versatile video coding",
        url="https://www.iso.org/standard/83531.html",
        implementations=(
            Implementation(
                repository="https://vcgit.hhi.fraunhofer.de/jvet/VVCSoftware_VTM",
                role=Role.REFERENCE_IMPLEMENTATION,
            ),
        ),
    )
    _replace(database_url, Catalog(standards=(vvc,)))
    assert _get(client, keys.viewer, f"{CATALOG}/ISO%2FIEC%2023090-3")["id"] == "ISO/IEC 23090-3"
    assert _get(client, keys.viewer, f"{CATALOG}/ISO/IEC 23090-3")["id"] == "ISO/IEC 23090-3"


@pytest.mark.parametrize("path", ["ITU-T%20X.999", "itu-t%20p.1203", "ITU-T%20P.1203%20"], ids=str)
def test_an_unknown_standard_is_404(with_catalog: TestClient, keys: Keys, path: str) -> None:
    response = with_catalog.get(f"{CATALOG}/{path}", headers=auth(keys.viewer))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert response.json()["error"]["message"].lower().startswith("no standard 'itu-t ")


def test_the_catalog_is_in_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/catalog", "/api/v1/catalog/{standard_id}"} <= set(paths)
