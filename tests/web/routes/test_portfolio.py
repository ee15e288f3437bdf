"""`GET /api/v1/findings` and `/api/v1/vulnerabilities/{id}/projects` over real uploads, on both databases."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

import pytest
from fastapi.testclient import TestClient

from osswatch.advisories.severity import LEVELS
from osswatch.monitor.finding_search import STATES, at_least
from osswatch.web.routes.portfolio import SEVERITIES, STATE_NAMES, Severity
from tests.web.conftest import PROJECTS, Keys, auth, create_project, error_message, upload_file

FINDINGS = "/api/v1/findings"


@pytest.fixture
def uploaded(
    with_advisories: TestClient, keys: Keys, lockfile: Path, vulnerable_lockfile: Path
) -> dict[str, int]:
    """Team A: `itu` (itu-p1203) and `old` (with a vulnerable numpy); team B: `theirs`. Ids by name."""
    ids = {}
    for name, key, path in (
        ("itu", keys.editor, lockfile),
        ("old", keys.editor, vulnerable_lockfile),
        ("theirs", keys.other_team, lockfile),
    ):
        ids[name] = create_project(with_advisories, key, name)
        upload_file(with_advisories, key, ids[name], path)
    return ids


def _project_findings(client: TestClient, key: str, project_id: int) -> list[dict[str, Any]]:
    response = client.get(f"{PROJECTS}/{project_id}/findings", headers=auth(key))
    found: list[dict[str, Any]] = response.json()["findings"]
    return found


def _all(client: TestClient, key: str, **params: Any) -> dict[str, Any]:
    response = client.get(FINDINGS, params={"limit": 500, **params}, headers=auth(key))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_literals_match_the_library() -> None:
    assert set(SEVERITIES) == set(LEVELS) == set(get_args(Severity))
    assert STATE_NAMES == STATES


def test_portfolio_findings_are_the_teams(
    with_advisories: TestClient, keys: Keys, uploaded: dict[str, int]
) -> None:
    client = with_advisories
    expected = {
        (f["id"], name)
        for name in ("itu", "old")
        for f in _project_findings(client, keys.viewer, uploaded[name])
    }
    body = _all(client, keys.viewer)
    assert body["total"] == len(expected) > 1
    assert {(f["id"], f["project"]["name"]) for f in body["findings"]} == expected
    ranks = [LEVELS.index(f["vulnerability"]["severity"]) for f in body["findings"]]
    assert ranks == sorted(ranks, reverse=True)
    theirs = _all(client, keys.other_team)
    assert {f["project"]["id"] for f in theirs["findings"]} == {uploaded["theirs"]}


def test_severity_filters(with_advisories: TestClient, keys: Keys, uploaded: dict[str, int]) -> None:
    every = _all(with_advisories, keys.viewer)["findings"]
    for level in LEVELS:
        exact = _all(with_advisories, keys.viewer, severity=level)
        assert {f["id"] for f in exact["findings"]} == {
            f["id"] for f in every if f["vulnerability"]["severity"] == level
        }
        worse = _all(with_advisories, keys.viewer, min_severity=level)
        assert {f["id"] for f in worse["findings"]} == {
            f["id"] for f in every if f["vulnerability"]["severity"] in at_least(level)
        }
    both = _all(with_advisories, keys.viewer, severity="low", min_severity="high")
    assert both["total"] == 0
    message = error_message(
        with_advisories.get(FINDINGS, params={"severity": "dire"}, headers=auth(keys.viewer)), 422
    )
    assert "severity" in message


def test_state_filter_and_paging(with_advisories: TestClient, keys: Keys, uploaded: dict[str, int]) -> None:
    client = with_advisories
    every = _all(client, keys.viewer)["findings"]
    triaged = every[0]["id"]
    body = {"state": "not_affected", "justification": "vulnerable_code_not_present", "comment": "unused"}
    assert (
        client.post(f"/api/v1/findings/{triaged}/triage", json=body, headers=auth(keys.editor)).status_code
        == 201
    )
    assert [f["id"] for f in _all(client, keys.viewer, state="not_affected")["findings"]] == [triaged]
    still_open = _all(client, keys.viewer, state="open")
    assert {f["id"] for f in still_open["findings"]} == {f["id"] for f in every} - {triaged}
    assert _all(client, keys.viewer, state="fixed")["total"] == 0
    pages = [
        client.get(FINDINGS, params={"limit": 1, "offset": i}, headers=auth(keys.viewer)).json()
        for i in range(len(every))
    ]
    assert [p["findings"][0]["id"] for p in pages] == [f["id"] for f in every]
    assert all(p["total"] == len(every) for p in pages)
    error_message(client.get(FINDINGS, params={"state": "meh"}, headers=auth(keys.viewer)), 422)
    error_message(client.get(FINDINGS, params={"limit": 501}, headers=auth(keys.viewer)), 422)


def test_who_is_affected(with_advisories: TestClient, keys: Keys, uploaded: dict[str, int]) -> None:
    client = with_advisories
    py = next(
        f
        for f in _project_findings(client, keys.viewer, uploaded["itu"])
        if f["vulnerability"]["id"] == "PYSEC-2022-42969"
    )
    expected = {
        name
        for name in ("itu", "old")
        if any(
            f["vulnerability"]["id"] == "PYSEC-2022-42969"
            for f in _project_findings(client, keys.viewer, uploaded[name])
        )
    }
    assert py["vulnerability"]["aliases"]
    for asked in ("PYSEC-2022-42969", py["vulnerability"]["aliases"][0]):
        response = client.get(f"/api/v1/vulnerabilities/{asked}/projects", headers=auth(keys.viewer))
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["vulnerability"] == asked
        assert {p["name"] for p in body["projects"]} == expected
        itu = next(p for p in body["projects"] if p["name"] == "itu")
        assert itu["components"] == [
            {
                "finding_id": py["id"],
                "vulnerability_id": "PYSEC-2022-42969",
                "component": {"purl": "pkg:pypi/py@1.11.0", "name": "py", "version": "1.11.0"},
                "severity": py["vulnerability"]["severity"],
                "state": "open",
                "first_seen": py["first_seen"],
                "fixed_at": None,
            }
        ]
    theirs = client.get(
        "/api/v1/vulnerabilities/PYSEC-2022-42969/projects", headers=auth(keys.other_team)
    ).json()
    assert [p["id"] for p in theirs["projects"]] == [uploaded["theirs"]]
    nobody = client.get("/api/v1/vulnerabilities/PYSEC-0000-0/projects", headers=auth(keys.viewer)).json()
    assert nobody == {"vulnerability": "PYSEC-0000-0", "projects": []}


def test_nul_in_a_vulnerability_id_is_422(client: TestClient, keys: Keys) -> None:
    # PostgreSQL cannot compare text with NUL: it must be refused before any query, on both databases.
    response = client.get("/api/v1/vulnerabilities/CVE%00X/projects", headers=auth(keys.viewer))
    assert "vulnerability_id" in error_message(response, 422)
