"""The API through FastAPI's TestClient, on SQLite and PostgreSQL: auth, each endpoint, bad bodies."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import Keys, auth

PROJECTS = "/api/v1/projects"


def _project(client: TestClient, key: str, name: str = "web") -> int:
    response = client.post(
        PROJECTS, json={"name": name, "version": "1.0", "tags": ["b", "a"]}, headers=auth(key)
    )
    assert response.status_code == 201, response.text
    project_id: int = response.json()["id"]
    return project_id


def _upload(client: TestClient, key: str, project_id: int, lockfile: Path) -> Any:
    return client.post(
        f"{PROJECTS}/{project_id}/snapshots",
        params={"filename": "poetry.lock"},
        content=lockfile.read_bytes(),
        headers=auth(key),
    )


def _error(response: Any, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message"}
    message: str = body["error"]["message"]
    return message


def test_probes_and_openapi_need_no_key(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/projects/{project_id}/snapshots" in paths


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer osw_nope_nope"}, {"X-Api-Key": "garbage"}, {"Authorization": "Basic x"}],
    ids=["none", "unknown-bearer", "malformed-x-api-key", "basic-scheme"],
)
def test_no_valid_key_is_401(client: TestClient, keys: Keys, headers: dict[str, str]) -> None:
    response = client.get(PROJECTS, headers=headers)
    assert "API key" in _error(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


def test_x_api_key_header_works(client: TestClient, keys: Keys) -> None:
    assert client.get(PROJECTS, headers={"X-Api-Key": keys.viewer}).json() == {"projects": []}


def test_viewer_cannot_write(client: TestClient, keys: Keys, lockfile: Path) -> None:
    assert "editor" in _error(client.post(PROJECTS, json={"name": "x"}, headers=auth(keys.viewer)), 403)
    project_id = _project(client, keys.admin)
    _error(_upload(client, keys.viewer, project_id, lockfile), 403)


def test_projects_are_per_team(client: TestClient, keys: Keys) -> None:
    project_id = _project(client, keys.editor)
    mine = client.get(PROJECTS, headers=auth(keys.viewer)).json()["projects"]
    assert [(p["id"], p["name"], p["version"], p["tags"]) for p in mine] == [
        (project_id, "web", "1.0", ["a", "b"])
    ]
    assert client.get(PROJECTS, headers=auth(keys.other_team)).json() == {"projects": []}
    assert client.get(f"{PROJECTS}/{project_id}", headers=auth(keys.viewer)).json()["name"] == "web"
    for path in ("", "/findings", "/components"):
        _error(client.get(f"{PROJECTS}/{project_id}{path}", headers=auth(keys.other_team)), 404)
    _error(client.get(f"{PROJECTS}/{project_id + 1000}", headers=auth(keys.viewer)), 404)


def test_duplicate_project_is_409(client: TestClient, keys: Keys) -> None:
    _project(client, keys.editor)
    _error(client.post(PROJECTS, json={"name": "web"}, headers=auth(keys.editor)), 409)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 422),
        (b'{"version": "1"}', 422),
        (b'{"name": ""}', 422),
        (b'{"name": "x", "colour": "red"}', 422),
        (b'{"name": 3}', 422),
        (json.dumps({"name": "x" * 10_000}).encode(), 400),
        (json.dumps({"name": "a\u0000b"}).encode(), 422),
        (json.dumps({"name": "a", "tags": ["\u0000"]}).encode(), 422),
    ],
    ids=[
        "malformed",
        "no-name",
        "empty-name",
        "unknown-field",
        "number-name",
        "name-too-long",
        "nul",
        "nul-tag",
    ],
)
def test_bad_project_bodies(client: TestClient, keys: Keys, body: bytes, status: int) -> None:
    headers = auth(keys.editor) | {"Content-Type": "application/json"}
    _error(client.post(PROJECTS, content=body, headers=headers), status)


def _py_advisory_ids(shared_data: Path) -> set[str]:
    """Ids of the real records naming PyPI `py` and listing 1.11.0, read straight from the archive."""
    ids = set()
    with zipfile.ZipFile(shared_data / "osv" / "PyPI" / "all.zip") as archive:
        for name in archive.namelist():
            record = json.loads(archive.read(name))
            for affected in record.get("affected", []):
                package = affected.get("package", {})
                if package.get("name") == "py" and "1.11.0" in affected.get("versions", []):
                    ids.add(record["id"])
    return ids


def test_upload_lockfile_records_findings(
    with_advisories: TestClient, keys: Keys, lockfile: Path, shared_data: Path
) -> None:
    client = with_advisories
    project_id = _project(client, keys.editor)
    response = _upload(client, keys.editor, project_id, lockfile)
    assert response.status_code == 201, response.text
    counts = response.json()
    packages = len(re.findall(r"^\[\[package\]\]$", lockfile.read_text(), re.MULTILINE))
    assert counts["components"] == packages
    assert counts["kinds"] == ["poetry.lock"]
    assert counts["is_new_snapshot"]
    assert counts["new"] == counts["findings"] > 0

    found = client.get(f"{PROJECTS}/{project_id}/findings", headers=auth(keys.viewer)).json()["findings"]
    assert len(found) == counts["findings"]
    on_py = {f["vulnerability"]["id"] for f in found if f["component"]["name"] == "py"}
    assert "PYSEC-2022-42969" in on_py
    assert on_py <= _py_advisory_ids(shared_data)
    py = next(f for f in found if f["vulnerability"]["id"] == "PYSEC-2022-42969")
    assert py["component"] == {"purl": "pkg:pypi/py@1.11.0", "name": "py", "version": "1.11.0"}
    assert py["state"] == "open"

    components = client.get(f"{PROJECTS}/{project_id}/components", headers=auth(keys.viewer)).json()
    assert components["snapshot_id"] == counts["snapshot_id"]
    assert len(components["components"]) == packages

    again = _upload(client, keys.editor, project_id, lockfile).json()
    assert again["snapshot_id"] == counts["snapshot_id"]
    assert not again["is_new_snapshot"]


def test_multipart_upload_takes_its_filename(with_advisories: TestClient, keys: Keys, lockfile: Path) -> None:
    project_id = _project(with_advisories, keys.editor)
    response = with_advisories.post(
        f"{PROJECTS}/{project_id}/snapshots",
        files={"file": ("some/dir/poetry.lock", lockfile.read_bytes())},
        headers=auth(keys.editor),
    )
    assert response.status_code == 201, response.text
    assert response.json()["kinds"] == ["poetry.lock"]


@pytest.mark.parametrize(
    ("filename", "body", "status", "needle"),
    [
        ("poetry.lock", b'[[package]]\nname = "x"\nversion = \n', 422, "poetry.lock"),
        ("package-lock.json", b'{"lockfileVersion": 3, "packages": ', 422, "package-lock.json"),
        ("poetry.lock", b"", 422, "empty"),
        ("poetry.lock", b"\x00\x01binary", 422, "binary"),
        ("notes.txt", b"hello", 422, "not a kind of file"),
        (None, b"hello", 400, "filename"),
    ],
    ids=["malformed-toml", "truncated-json", "empty", "binary", "unknown-kind", "no-filename"],
)
def test_bad_uploads(
    client: TestClient, keys: Keys, filename: str | None, body: bytes, status: int, needle: str
) -> None:
    project_id = _project(client, keys.editor)
    params = {} if filename is None else {"filename": filename}
    response = client.post(
        f"{PROJECTS}/{project_id}/snapshots", params=params, content=body, headers=auth(keys.editor)
    )
    assert needle in _error(response, status)


def test_too_large_upload_is_413(client: TestClient, keys: Keys) -> None:
    from osswatch.web.upload import MAX_UPLOAD

    project_id = _project(client, keys.editor)
    body = b"#" * (MAX_UPLOAD + 1)
    raw = client.post(
        f"{PROJECTS}/{project_id}/snapshots",
        params={"filename": "requirements.txt"},
        content=body,
        headers=auth(keys.editor),
    )
    _error(raw, 413)
    multipart = client.post(
        f"{PROJECTS}/{project_id}/snapshots",
        files={"file": ("requirements.txt", body)},
        headers=auth(keys.editor),
    )
    _error(multipart, 413)


def test_triage(with_advisories: TestClient, keys: Keys, lockfile: Path) -> None:
    client = with_advisories
    project_id = _project(client, keys.editor)
    _upload(client, keys.editor, project_id, lockfile)
    findings_url = f"{PROJECTS}/{project_id}/findings"
    finding_id = client.get(findings_url, headers=auth(keys.viewer)).json()["findings"][0]["id"]
    url = f"/api/v1/findings/{finding_id}/triage"
    body = {"state": "not_affected", "justification": "vulnerable_code_not_present", "comment": "unused"}

    _error(client.post(url, json=body, headers=auth(keys.viewer)), 403)
    _error(client.post(url, json=body, headers=auth(keys.other_team)), 404)
    assert "justification" in _error(
        client.post(url, json=body | {"justification": None}, headers=auth(keys.editor)), 422
    )
    _error(client.post(url, json=body | {"state": "shrug"}, headers=auth(keys.editor)), 422)

    response = client.post(url, json=body, headers=auth(keys.editor))
    assert response.status_code == 201, response.text
    assert response.json()["author"] == "eddie"
    states = {
        f["id"]: f["state"] for f in client.get(findings_url, headers=auth(keys.viewer)).json()["findings"]
    }
    assert states[finding_id] == "not_affected"


def test_components_before_any_upload(client: TestClient, keys: Keys) -> None:
    project_id = _project(client, keys.editor)
    response = client.get(f"{PROJECTS}/{project_id}/components", headers=auth(keys.viewer))
    assert response.json() == {"snapshot_id": None, "components": []}


def test_multipart_without_a_file_is_400(client: TestClient, keys: Keys) -> None:
    project_id = _project(client, keys.editor)
    response = client.post(
        f"{PROJECTS}/{project_id}/snapshots", files={"note": (None, b"no file")}, headers=auth(keys.editor)
    )
    assert "one file part" in _error(response, 400)
