"""`GET /projects/{id}` (with its latest snapshot), `/health`, `/verdict` and `/snapshots`, on both databases.

The analysis columns are written here the way the upload pipeline stores them (`health_json`,
`summary_json`, `verdict_json` of a real baseline verdict of the real lockfile).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update

from osswatch.advisories.store import AdvisoryStore
from osswatch.health.assess import ComponentHealth
from osswatch.health.base import Behind, Health, health_json
from osswatch.health.summary import summarize, summary_json
from osswatch.inventory.collect import collect
from osswatch.monitor.overview import by_severity
from osswatch.monitor.portfolio import Portfolio
from osswatch.policy.rules import baseline
from osswatch.report.json_document import verdict_json
from osswatch.scan import PolicySetup, judge, scan
from osswatch.store.portfolio_tables import snapshot_components, snapshots
from tests.web.conftest import PROJECTS, Keys, auth, create_project, error_message, upload_file

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def _packages(lockfile: Path) -> int:
    return len(re.findall(r"^\[\[package\]\]$", lockfile.read_text(), re.MULTILINE))


def _verdict(database_url: str, lockfile: Path) -> dict[str, Any]:
    """The baseline policy's verdict on the lockfile, as the pipeline stores it."""
    with AdvisoryStore.open(database_url) as store:
        result = scan(collect([lockfile]), store)
    judged = judge(result, PolicySetup(policy=baseline()), now=NOW)
    assert judged.verdict is not None
    return verdict_json(judged.verdict)


def _store_analysis(
    database_url: str, snapshot_id: int, lockfile: Path
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A verdict, a health summary and one component's health written on the snapshot; (verdict, summary)."""
    inventory = collect([lockfile])
    py = next(c for c in inventory.components if c.name == "py")
    health = Health(
        published=datetime(2021, 11, 4, tzinfo=UTC),
        latest="1.11.0",
        libyear=0.0,
        behind=Behind(),
        last_release=datetime(2021, 11, 4, tzinfo=UTC),
        inactive_days=1578,
        status=("unmaintained",),
    )
    summary = summary_json(summarize([ComponentHealth(component=py, health=health)]))
    verdict = _verdict(database_url, lockfile)
    portfolio = Portfolio.open(database_url)
    try:
        with portfolio.writing() as connection:
            connection.execute(
                update(snapshots)
                .where(snapshots.c.id == snapshot_id)
                .values(health=summary, verdict=verdict, evaluated_at=NOW)
            )
            connection.execute(
                update(snapshot_components)
                .where(snapshot_components.c.snapshot_id == snapshot_id, snapshot_components.c.name == "py")
                .values(health=health_json(health))
            )
    finally:
        portfolio.close()
    return verdict, summary


def test_before_any_upload(client: TestClient, keys: Keys) -> None:
    project_id = create_project(client, keys.editor)
    detail = client.get(f"{PROJECTS}/{project_id}", headers=auth(keys.viewer)).json()
    assert detail["latest"] is None
    assert detail["name"] == "web"
    health = client.get(f"{PROJECTS}/{project_id}/health", headers=auth(keys.viewer)).json()
    assert health == {"snapshot_id": None, "evaluated_at": None, "summary": None, "components": []}
    verdict = client.get(f"{PROJECTS}/{project_id}/verdict", headers=auth(keys.viewer)).json()
    assert verdict == {"snapshot_id": None, "evaluated_at": None, "verdict": None}
    history = client.get(f"{PROJECTS}/{project_id}/snapshots", headers=auth(keys.viewer)).json()
    assert history == {"total": 0, "limit": 100, "offset": 0, "snapshots": []}


def test_upload_is_analysed(with_advisories: TestClient, keys: Keys, lockfile: Path) -> None:
    client = with_advisories
    project_id = create_project(client, keys.editor)
    uploaded = upload_file(client, keys.editor, project_id, lockfile)
    latest = client.get(f"{PROJECTS}/{project_id}", headers=auth(keys.viewer)).json()["latest"]
    found = client.get(f"{PROJECTS}/{project_id}/findings", headers=auth(keys.viewer)).json()["findings"]
    assert latest["snapshot_id"] == uploaded["snapshot_id"]
    assert latest["components"] == _packages(lockfile)
    assert latest["open_findings"] == by_severity(Counter(f["vulnerability"]["severity"] for f in found))
    assert sum(latest["open_findings"].values()) == uploaded["findings"] > 0
    assert latest["policy"]["name"] == "baseline"
    assert latest["evaluated_at"] is not None
    # The server reads health from the registry cache only, which is empty here: nothing is assessed.
    assert (latest["health"]["assessed"], latest["health"]["unknown"]) == (0, _packages(lockfile))
    health = client.get(f"{PROJECTS}/{project_id}/health", headers=auth(keys.viewer)).json()
    assert health["summary"] == latest["health"]
    assert len(health["components"]) == _packages(lockfile)
    assert not any(c["assessed"] for c in health["components"])
    verdict = client.get(f"{PROJECTS}/{project_id}/verdict", headers=auth(keys.viewer)).json()
    assert verdict["snapshot_id"] == uploaded["snapshot_id"]
    assert verdict["verdict"]["passed"] == latest["policy"]["passed"]
    assert "PYSEC-2022-42969" in {v["vulnerability"] for v in verdict["verdict"]["violations"]}


def test_snapshot_without_analysis(
    with_advisories: TestClient, keys: Keys, lockfile: Path, database_url: str
) -> None:
    client = with_advisories
    project_id = create_project(client, keys.editor)
    snapshot_id = upload_file(client, keys.editor, project_id, lockfile)["snapshot_id"]
    _clear_analysis(database_url, snapshot_id)
    latest = client.get(f"{PROJECTS}/{project_id}", headers=auth(keys.viewer)).json()["latest"]
    assert (latest["policy"], latest["health"], latest["evaluated_at"]) == (None, None, None)
    health = client.get(f"{PROJECTS}/{project_id}/health", headers=auth(keys.viewer)).json()
    assert health["summary"] is None
    assert {(c["assessed"], c["health"] is None) for c in health["components"]} == {(False, True)}
    verdict = client.get(f"{PROJECTS}/{project_id}/verdict", headers=auth(keys.viewer)).json()
    assert verdict == {"snapshot_id": snapshot_id, "evaluated_at": None, "verdict": None}


def _clear_analysis(database_url: str, snapshot_id: int) -> None:
    """The snapshot as one recorded before analysis was stored (migration 0011 leaves these null)."""
    portfolio = Portfolio.open(database_url)
    try:
        with portfolio.writing() as connection:
            connection.execute(
                update(snapshots)
                .where(snapshots.c.id == snapshot_id)
                .values(health=None, verdict=None, evaluated_at=None, verdict_summary={"findings": 0})
            )
            connection.execute(
                update(snapshot_components)
                .where(snapshot_components.c.snapshot_id == snapshot_id)
                .values(health=None)
            )
    finally:
        portfolio.close()


def test_stored_analysis_is_served(
    with_advisories: TestClient, keys: Keys, lockfile: Path, database_url: str
) -> None:
    client = with_advisories
    project_id = create_project(client, keys.editor)
    snapshot_id = upload_file(client, keys.editor, project_id, lockfile)["snapshot_id"]
    verdict, summary = _store_analysis(database_url, snapshot_id, lockfile)

    latest = client.get(f"{PROJECTS}/{project_id}", headers=auth(keys.viewer)).json()["latest"]
    assert latest["policy"] == {"name": "baseline", "passed": verdict["passed"]}
    assert latest["health"] == summary
    assert latest["evaluated_at"] == "2026-03-01T00:00:00Z"

    health = client.get(f"{PROJECTS}/{project_id}/health", headers=auth(keys.viewer)).json()
    assert health["summary"] == summary
    assert summary["unmaintained_share"] == 1.0
    assessed = [c for c in health["components"] if c["assessed"]]
    assert [(c["name"], c["version"], c["health"]["status"]) for c in assessed] == [
        ("py", "1.11.0", ["unmaintained"])
    ]
    assert assessed[0]["health"]["inactive_days"] == 1578

    served = client.get(f"{PROJECTS}/{project_id}/verdict", headers=auth(keys.viewer)).json()
    assert served["snapshot_id"] == snapshot_id
    assert served["verdict"] == verdict
    assert any(v["vulnerability"] == "PYSEC-2022-42969" for v in verdict["violations"])


def test_other_team_sees_404(with_advisories: TestClient, keys: Keys, lockfile: Path) -> None:
    project_id = create_project(with_advisories, keys.editor)
    upload_file(with_advisories, keys.editor, project_id, lockfile)
    for path in ("", "/health", "/verdict", "/snapshots", "/vex"):
        error_message(
            with_advisories.get(f"{PROJECTS}/{project_id}{path}", headers=auth(keys.other_team)), 404
        )


def test_snapshot_history_pages_newest_first(
    with_advisories: TestClient, keys: Keys, lockfile: Path, shared_data: Path
) -> None:
    client = with_advisories
    project_id = create_project(client, keys.editor)
    first = upload_file(client, keys.editor, project_id, lockfile)
    second = upload_file(client, keys.editor, project_id, shared_data / "lockfiles" / "acapy" / "poetry.lock")
    url = f"{PROJECTS}/{project_id}/snapshots"
    history = client.get(url, headers=auth(keys.viewer)).json()
    assert history["total"] == 2
    assert [s["id"] for s in history["snapshots"]] == [second["snapshot_id"], first["snapshot_id"]]
    newest = history["snapshots"][0]
    assert (newest["components"], newest["findings"]) == (second["components"], second["findings"])
    assert sum(newest["severity"].values()) == second["findings"]
    assert newest["source_kind"] == "poetry.lock"
    assert (newest["policy"], newest["has_health"], newest["has_verdict"]) == ("baseline", True, True)
    page = client.get(url, params={"limit": 1, "offset": 1}, headers=auth(keys.viewer)).json()
    assert (page["total"], [s["id"] for s in page["snapshots"]]) == (2, [first["snapshot_id"]])


def test_bad_paging_and_ids_are_422(client: TestClient, keys: Keys) -> None:
    project_id = create_project(client, keys.editor)
    url = f"{PROJECTS}/{project_id}/snapshots"
    for name, value in (("limit", 0), ("limit", 501), ("offset", -1), ("limit", "ten")):
        response = client.get(url, params={name: value}, headers=auth(keys.viewer))
        assert f"query.{name}" in error_message(response, 422)
    for bad in ("0", "-3", str(2**31), "x"):
        message = error_message(client.get(f"{PROJECTS}/{bad}", headers=auth(keys.viewer)), 422)
        assert "project_id" in message
