"""`/api/v1/notification-rules` through the TestClient, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from osswatch.cli.admin_cmd import team_id_of
from osswatch.monitor.notify.dispatch import expired_waivers
from osswatch.monitor.portfolio import Portfolio
from osswatch.monitor.records import Role
from tests.web.conftest import Keys, auth

RULES = "/api/v1/notification-rules"
HOOK = {"name": "hook", "channel": "webhook", "target": "http://127.0.0.1:9/hook", "min_severity": "unknown"}


@pytest.fixture(autouse=True)
def allow_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Targets on 127.0.0.1 are allowed by configuration (everything else private stays refused)."""
    monkeypatch.setenv("OSSWATCH_NOTIFY_ALLOW_NETWORKS", "127.0.0.0/8")


def _error(response: Any, status: int) -> str:
    assert response.status_code == status, response.text
    message: str = response.json()["error"]["message"]
    return message


def test_admin_creates_lists_and_deletes(client: TestClient, keys: Keys) -> None:
    created = client.post(
        RULES, json={**HOOK, "events": ["new_finding", "waiver_expired"]}, headers=auth(keys.admin)
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert len(body["secret"]) == 64
    assert body["is_signed"]
    assert body["events"] == ["new_finding", "waiver_expired"]

    listed = client.get(RULES, headers=auth(keys.admin)).json()["rules"]
    assert [r["id"] for r in listed] == [body["id"]]
    assert "secret" not in listed[0]

    patched = client.patch(f"{RULES}/{body['id']}", json={"is_enabled": False}, headers=auth(keys.admin))
    assert patched.json()["is_enabled"] is False
    assert client.get(f"{RULES}/{body['id']}/deliveries", headers=auth(keys.admin)).json() == {
        "deliveries": []
    }
    assert client.delete(f"{RULES}/{body['id']}", headers=auth(keys.admin)).status_code == 204
    assert _error(client.delete(f"{RULES}/{body['id']}", headers=auth(keys.admin)), 404).startswith(
        "no notification rule"
    )


def test_slack_and_email_rules_have_no_secret(client: TestClient, keys: Keys) -> None:
    slack = {"name": "s", "channel": "slack", "target": "http://127.0.0.1/services/x"}
    mail = {"name": "m", "channel": "email", "target": "sec@example.org"}
    for rule in (slack, mail):
        response = client.post(RULES, json=rule, headers=auth(keys.admin))
        assert response.status_code == 201, response.text
        assert response.json()["secret"] is None


def test_only_admins_manage_rules(client: TestClient, keys: Keys) -> None:
    for key in (keys.viewer, keys.editor):
        assert client.post(RULES, json=HOOK, headers=auth(key)).status_code == 403
        assert client.get(RULES, headers=auth(key)).status_code == 403
    assert client.get(RULES).status_code == 401


def test_other_teams_rules_are_404(client: TestClient, keys: Keys, database_url: str) -> None:
    rule_id = client.post(RULES, json=HOOK, headers=auth(keys.admin)).json()["id"]
    portfolio = Portfolio.open(database_url)
    try:
        team_b = team_id_of(portfolio, "team-b")
        _, other_admin = portfolio.create_key(team_b, Role.ADMIN, "boss", now=datetime.now(UTC))
    finally:
        portfolio.close()
    assert client.get(RULES, headers=auth(other_admin)).json() == {"rules": []}
    for method, path in (("DELETE", f"{RULES}/{rule_id}"), ("GET", f"{RULES}/{rule_id}/deliveries")):
        message = _error(client.request(method, path, headers=auth(other_admin)), 404)
        assert message == f"no notification rule {rule_id} in team {team_b}"


@pytest.mark.parametrize(
    ("change", "status", "fragment"),
    [
        ({"target": "http://169.254.169.254/latest/meta-data/"}, 400, "link-local address"),
        ({"target": "http://10.0.0.1/"}, 400, "private address"),
        ({"target": "file:///etc/passwd"}, 400, "only http and https URLs"),
        ({"min_severity": "severe"}, 400, "min_severity must be one of"),
        ({"events": []}, 422, "events"),
        ({"events": ["everything"]}, 422, "events"),
        ({"channel": "pager"}, 422, "channel"),
        ({"project_id": 999}, 404, "no project 999"),
        ({"secret": "mine"}, 422, "secret"),
    ],
    ids=[
        "metadata",
        "private",
        "scheme",
        "severity",
        "no-events",
        "bad-event",
        "channel",
        "project",
        "extra",
    ],
)
def test_bad_rules(
    client: TestClient, keys: Keys, change: dict[str, Any], status: int, fragment: str
) -> None:
    assert fragment in _error(client.post(RULES, json={**HOOK, **change}, headers=auth(keys.admin)), status)


def test_deliveries_of_an_expired_waiver(
    with_advisories: TestClient, keys: Keys, lockfile: Path, database_url: str
) -> None:
    client = with_advisories
    project_id = client.post("/api/v1/projects", json={"name": "web"}, headers=auth(keys.editor)).json()["id"]
    uploaded = client.post(
        f"/api/v1/projects/{project_id}/snapshots",
        params={"filename": "poetry.lock"},
        content=lockfile.read_bytes(),
        headers=auth(keys.editor),
    )
    assert uploaded.status_code == 201, uploaded.text
    rule = {**HOOK, "events": ["waiver_expired"], "project_id": project_id}
    rule_id = client.post(RULES, json=rule, headers=auth(keys.admin)).json()["id"]
    (finding, *_) = client.get(f"/api/v1/projects/{project_id}/findings", headers=auth(keys.viewer)).json()[
        "findings"
    ]
    expires = datetime.now(UTC) + timedelta(days=1)
    decision = {"state": "accepted_risk", "comment": "later", "expires": expires.isoformat()}
    assert (
        client.post(
            f"/api/v1/findings/{finding['id']}/triage", json=decision, headers=auth(keys.editor)
        ).status_code
        == 201
    )

    portfolio = Portfolio.open(database_url)
    try:
        assert expired_waivers(portfolio, expires + timedelta(seconds=1)) == 1
    finally:
        portfolio.close()

    (delivery,) = client.get(f"{RULES}/{rule_id}/deliveries", headers=auth(keys.admin)).json()["deliveries"]
    assert (delivery["event"], delivery["finding_id"], delivery["status"], delivery["attempts"]) == (
        "waiver_expired",
        finding["id"],
        "pending",
        0,
    )
