"""With a Redis job queue, an upload answers 202 and a status URL that only the uploading team can read."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from dramatiq import Worker
from fastapi.testclient import TestClient

from osswatch.web.app import create_app
from tests.web.conftest import PROJECTS, Keys, auth, create_project, error_message, make_keys

pytestmark = pytest.mark.redis

REDIS = "redis://127.0.0.1:6379/0"


@pytest.fixture
def queued_client(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """A client of an app whose jobs go to Redis (under a key prefix of this test's own)."""
    namespace = f"osswatch-test-{uuid.uuid4().hex}"
    monkeypatch.setenv("OSSWATCH_QUEUE_NAMESPACE", namespace)
    with TestClient(create_app(database_url, queue_url=REDIS)) as test_client:
        yield test_client
    client = redis.Redis.from_url(REDIS)
    keys = list(client.scan_iter(f"{namespace}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def _job(client: TestClient, url: str, key: str, status: str, seconds: float = 60) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        response = client.get(url, headers=auth(key))
        assert response.status_code == 200, response.text
        body = response.json()
        if body["status"] == status or time.monotonic() > deadline:
            return body
        time.sleep(0.1)


def test_a_queued_upload_is_followed_to_its_result(
    queued_client: TestClient, database_url: str, lockfile: Path
) -> None:
    keys: Keys = make_keys(database_url)
    project_id = create_project(queued_client, keys.editor)
    response = queued_client.post(
        f"{PROJECTS}/{project_id}/snapshots",
        params={"filename": "poetry.lock"},
        content=lockfile.read_bytes(),
        headers=auth(keys.editor),
    )
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert accepted["status"] == "queued"
    assert accepted["status_url"] == f"/api/v1/jobs/{accepted['job']}"
    assert response.headers["location"] == accepted["status_url"]
    assert _job(queued_client, accepted["status_url"], keys.viewer, "queued")["result"] is None
    message = error_message(queued_client.get(accepted["status_url"], headers=auth(keys.other_team)), 404)
    assert message == f"no job {accepted['job']!r}"

    broker = queued_client.app.state.queue.broker  # type: ignore[attr-defined]
    worker = Worker(broker, worker_threads=1, worker_timeout=100)
    worker.start()
    try:
        done = _job(queued_client, accepted["status_url"], keys.viewer, "done")
    finally:
        worker.stop()
    assert done["status"] == "done"
    assert done["result"]["is_new_snapshot"]
    history = queued_client.get(f"{PROJECTS}/{project_id}/snapshots", headers=auth(keys.viewer)).json()
    assert [s["id"] for s in history["snapshots"]] == [done["result"]["snapshot_id"]]


def test_a_queued_upload_to_another_teams_project_is_refused(
    queued_client: TestClient, database_url: str
) -> None:
    keys = make_keys(database_url)
    project_id = create_project(queued_client, keys.editor)
    response = queued_client.post(
        f"{PROJECTS}/{project_id}/snapshots",
        params={"filename": "poetry.lock"},
        content=b"x",
        headers=auth(keys.other_team),
    )
    assert error_message(response, 404) == f"no project {project_id} in team 2"


def test_a_system_job_is_nobodys(queued_client: TestClient, database_url: str) -> None:
    keys = make_keys(database_url)
    response = queued_client.get(
        "/api/v1/jobs/sync_advisories:slot-20260101T090000Z", headers=auth(keys.admin)
    )
    assert error_message(response, 404) == "no job 'sync_advisories:slot-20260101T090000Z'"
