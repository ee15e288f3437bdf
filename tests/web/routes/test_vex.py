"""`GET /api/v1/projects/{id}/vex`: triage decisions as OpenVEX and CycloneDX VEX that re-import cleanly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from fastapi.testclient import TestClient

from osswatch.policy.vex_formats import cyclonedx_statements, openvex_statements
from tests.web.conftest import PROJECTS, Keys, auth, create_project, error_message, upload_file


def test_vex_of_triaged_findings(with_advisories: TestClient, keys: Keys, vulnerable_lockfile: Path) -> None:
    client = with_advisories
    project_id = create_project(client, keys.editor)
    upload_file(client, keys.editor, project_id, vulnerable_lockfile)
    found = client.get(f"{PROJECTS}/{project_id}/findings", headers=auth(keys.viewer)).json()["findings"]
    assert len(found) >= 2
    decisions = [
        {
            "state": "not_affected",
            "justification": "vulnerable_code_not_in_execute_path",
            "comment": "never called",
        },
        {
            "state": "accepted_risk",
            "comment": "upgrade next sprint",
            "expires": (datetime.now(UTC) + timedelta(days=30)).isoformat(),
        },
    ]
    for finding, decision in zip(found, decisions, strict=False):
        response = client.post(
            f"/api/v1/findings/{finding['id']}/triage", json=decision, headers=auth(keys.editor)
        )
        assert response.status_code == 201, response.text
    triaged = {(f["vulnerability"]["id"], f["component"]["purl"]) for f in found[:2]}

    openvex = client.get(f"{PROJECTS}/{project_id}/vex", headers=auth(keys.viewer))
    assert openvex.status_code == 200, openvex.text
    document = openvex.json()
    assert document["author"] == "vera"
    statements = openvex_statements(document, "served.openvex.json")
    assert {(s.vulnerabilities[0], s.components[0]) for s in statements} == triaged
    by_status = {s.status: s for s in statements}
    assert set(by_status) == {"not_affected", "affected"}
    assert by_status["not_affected"].justification == "vulnerable_code_not_in_execute_path"
    assert by_status["not_affected"].is_suppressing

    cyclonedx = client.get(
        f"{PROJECTS}/{project_id}/vex", params={"format": "cyclonedx"}, headers=auth(keys.viewer)
    )
    assert cyclonedx.headers["content-type"].startswith("application/vnd.cyclonedx+json")
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(cyclonedx.text) is None
    reread = cyclonedx_statements(cyclonedx.json(), "served.cdx.json")
    assert {(s.vulnerabilities[0], s.components[0]) for s in reread} == triaged
    statuses = {s.status: s for s in reread}
    assert set(statuses) == {"not_affected", "affected"}
    assert statuses["not_affected"].justification == "code_not_reachable"
    assert "never called" in (statuses["not_affected"].impact or "")


def test_vex_without_triage_and_bad_format(client: TestClient, keys: Keys) -> None:
    project_id = create_project(client, keys.editor)
    empty = client.get(f"{PROJECTS}/{project_id}/vex", headers=auth(keys.viewer)).json()
    assert empty["statements"] == []
    cdx = client.get(
        f"{PROJECTS}/{project_id}/vex", params={"format": "cyclonedx"}, headers=auth(keys.viewer)
    )
    assert (cdx.json()["components"], cdx.json()["vulnerabilities"]) == ([], [])
    message = error_message(
        client.get(f"{PROJECTS}/{project_id}/vex", params={"format": "spdx"}, headers=auth(keys.viewer)), 422
    )
    assert "format" in message
