"""The project page over a real portfolio, and triage through its form: editors record, viewers cannot."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from osswatch.web.dashboard.session import csrf_token
from tests.web.conftest import Keys, auth
from tests.web.dashboard.conftest import Built, Site, signed_in


def _open_findings(client: TestClient, key: str, project_id: int) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/projects/{project_id}/findings", headers=auth(key))
    assert response.status_code == 200
    found: list[dict[str, Any]] = response.json()["findings"]
    return found


def _py_finding(client: TestClient, keys: Keys, built: Built) -> int:
    found = _open_findings(client, keys.editor, built.projects["itu-p1203"])
    ids = [f["id"] for f in found if f["vulnerability"]["id"] == "PYSEC-2022-42969"]
    assert len(ids) == 1
    return int(ids[0])


def test_project_page_shows_findings_fix_components_verdict_history(site: Site) -> None:
    keys, built = site.keys, site.built
    client = signed_in(site.client, keys.viewer)
    project_id = built.projects["itu-p1203"]
    page = client.get(f"/projects/{project_id}").text
    api = _open_findings(client, keys.viewer, project_id)
    assert api  # the real lockfile has open findings
    for finding in api:
        assert f'id="finding-{finding["id"]}"' in page
    assert "pkg:pypi/py@1.11.0" in page
    assert 'href="/vulnerabilities/PYSEC-2022-42969"' in page
    components = client.get(f"/api/v1/projects/{project_id}/components", headers=auth(keys.viewer)).json()
    assert page.count('<tr><th scope="row">') >= len(components["components"])
    assert "Policy verdict" in page
    assert "baseline" in page  # the server's pipeline judged the upload by the built-in baseline
    assert re.search(r"Snapshot history <span class=\"muted\">2</span>", page)
    assert "triage-form" not in page  # a viewer sees no triage forms


def test_findings_group_by_severity_most_severe_first(site: Site) -> None:
    keys, built = site.keys, site.built
    client = signed_in(site.client, keys.viewer)
    page = client.get(f"/projects/{built.projects['acapy']}").text
    order = ["critical", "high", "medium", "low", "unknown"]
    shown = re.findall(r'<h3 id="severity-(\w+)">', page)
    assert shown == sorted(shown, key=order.index)
    severities = {
        f["vulnerability"]["severity"] for f in _open_findings(client, keys.viewer, built.projects["acapy"])
    }
    assert set(shown) == severities


def test_fixed_findings_only_on_request(site: Site) -> None:
    keys, built = site.keys, site.built
    client = signed_in(site.client, keys.viewer)
    project_id = built.projects["itu-p1203-slim"]
    assert "PYSEC-2022-42969" not in client.get(f"/projects/{project_id}").text
    with_fixed = client.get(f"/projects/{project_id}?fixed=true").text
    assert "PYSEC-2022-42969" in with_fixed
    assert 'data-state="fixed"' in with_fixed


def test_editor_triage_is_recorded_and_shown(with_advisories: TestClient, keys: Keys, built: Built) -> None:
    client = signed_in(with_advisories, keys.editor)
    project_id, finding_id = built.projects["itu-p1203"], _py_finding(with_advisories, keys, built)
    form = {"state": "not_affected", "justification": "vulnerable_code_not_in_execute_path"}
    form |= {"comment": "we never read svn info", "csrf": csrf_token(keys.editor)}
    response = client.post(
        f"/projects/{project_id}/findings/{finding_id}/triage", data=form, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/projects/{project_id}?triaged={finding_id}#finding-{finding_id}"
    states = {f["id"]: f["state"] for f in _open_findings(client, keys.viewer, project_id)}
    assert states[finding_id] == "not_affected"
    page = client.get(response.headers["location"]).text
    assert "we never read svn info" in page
    assert f"Triage of finding {finding_id} recorded." in page


def test_incomplete_triage_is_explained(with_advisories: TestClient, keys: Keys, built: Built) -> None:
    client = signed_in(with_advisories, keys.editor)
    project_id, finding_id = built.projects["itu-p1203"], _py_finding(with_advisories, keys, built)
    form = {"state": "accepted_risk", "comment": "later", "csrf": csrf_token(keys.editor)}
    response = client.post(f"/projects/{project_id}/findings/{finding_id}/triage", data=form)
    assert response.status_code == 422
    assert "accepted_risk needs an expiry date" in response.text
    states = {f["id"]: f["state"] for f in _open_findings(client, keys.viewer, project_id)}
    assert states[finding_id] == "open"


def test_viewer_cannot_triage(with_advisories: TestClient, keys: Keys, built: Built) -> None:
    client = signed_in(with_advisories, keys.viewer)
    project_id, finding_id = built.projects["itu-p1203"], _py_finding(with_advisories, keys, built)
    form = {"state": "in_triage", "comment": "looking", "csrf": csrf_token(keys.viewer)}
    response = client.post(f"/projects/{project_id}/findings/{finding_id}/triage", data=form)
    assert response.status_code == 403
    assert "editor role" in response.text
    assert {f["state"] for f in _open_findings(client, keys.viewer, project_id)} == {"open"}


def test_triage_needs_the_sessions_csrf_token(with_advisories: TestClient, keys: Keys, built: Built) -> None:
    client = signed_in(with_advisories, keys.editor)
    project_id, finding_id = built.projects["itu-p1203"], _py_finding(with_advisories, keys, built)
    url = f"/projects/{project_id}/findings/{finding_id}/triage"
    stolen = {"state": "in_triage", "comment": "x", "csrf": csrf_token(keys.admin)}
    assert client.post(url, data=stolen).status_code == 403
    cross = {"state": "in_triage", "comment": "x", "csrf": csrf_token(keys.editor)}
    assert client.post(url, data=cross, headers={"Origin": "https://evil.example"}).status_code == 403
    assert {f["state"] for f in _open_findings(client, keys.viewer, project_id)} == {"open"}


def test_other_teams_project_and_finding_are_not_found(
    with_advisories: TestClient, keys: Keys, built: Built
) -> None:
    client = signed_in(with_advisories, keys.editor)
    theirs = built.projects["team-b-service"]
    response = client.get(f"/projects/{theirs}")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    their_finding = _open_findings(client, keys.other_team, theirs)[0]["id"]
    form = {"state": "in_triage", "comment": "x", "csrf": csrf_token(keys.editor)}
    mine = built.projects["itu-p1203"]
    assert client.post(f"/projects/{mine}/findings/{their_finding}/triage", data=form).status_code == 404
    assert client.post(f"/projects/{theirs}/findings/{their_finding}/triage", data=form).status_code == 404
    assert {f["state"] for f in _open_findings(client, keys.other_team, theirs)} == {"open"}


def test_finding_of_another_project_of_the_team_is_not_found(
    with_advisories: TestClient, keys: Keys, built: Built
) -> None:
    client = signed_in(with_advisories, keys.editor)
    finding_id = _py_finding(with_advisories, keys, built)
    form = {"state": "in_triage", "comment": "x", "csrf": csrf_token(keys.editor)}
    other = built.projects["acapy"]
    assert client.post(f"/projects/{other}/findings/{finding_id}/triage", data=form).status_code == 404
