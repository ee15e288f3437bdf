"""Two real `osswatch worker` processes on PostgreSQL and Redis: a worker SIGKILLed mid-job loses nothing.

The job is held mid-run deterministically: the test locks the project's row (`FOR UPDATE`), so the ingest
blocks in `_lock_project` after the job was marked running. The worker that logged the start is killed;
its unacknowledged message goes back on the queue once its heartbeat is older than the (shortened)
timeout, the other worker runs it again, and the snapshot is recorded once.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
import redis

from osswatch.monitor.job_records import job_record
from osswatch.monitor.jobs import ingest_job
from osswatch.monitor.portfolio import Portfolio
from osswatch.monitor.redis_queue import BrokerSettings, RedisQueue
from osswatch.store.database import open_database
from tests.store_fixtures import POSTGRES

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

REDIS = "redis://127.0.0.1:6379/0"
_STARTED = re.compile(r"\[PID (\d+)\].*job (\S+) started \(attempt (\d+)\)")


@dataclass
class WorkerProcess:
    """An `osswatch worker` subprocess and the log lines it has written so far."""

    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None

    def follow(self) -> None:
        """Collect its standard error (in a thread) until it closes."""
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)


@pytest.fixture
def schema() -> Iterator[str]:
    """A PostgreSQL schema of this test's own."""
    name = f"test_{uuid.uuid4().hex}"
    with psycopg.connect(POSTGRES, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{name}"')
    yield name
    with psycopg.connect(POSTGRES, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA "{name}" CASCADE')


@pytest.fixture
def namespace() -> Iterator[str]:
    """A Redis key prefix of this test's own."""
    name = f"osswatch-test-{uuid.uuid4().hex}"
    yield name
    client = redis.Redis.from_url(REDIS)
    keys = list(client.scan_iter(f"{name}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def _start_workers(url: str, namespace: str, count: int) -> list[WorkerProcess]:
    env = {
        **os.environ,
        "OSSWATCH_QUEUE_URL": REDIS,
        "OSSWATCH_DATABASE_URL": url,
        "OSSWATCH_QUEUE_NAMESPACE": namespace,
        "OSSWATCH_QUEUE_HEARTBEAT_TIMEOUT": "2",
        "OSSWATCH_QUEUE_MAINTENANCE_CHANCE": "1000000",  # every call: a dead worker is noticed at once
    }
    workers = []
    for _ in range(count):
        command = [sys.executable, "-m", "osswatch", "worker", "--processes", "1", "--threads", "1"]
        process = subprocess.Popen(
            command, env=env, stderr=subprocess.PIPE, text=True, start_new_session=True
        )
        worker = WorkerProcess(process=process)
        worker.reader = threading.Thread(target=worker.follow, daemon=True)
        worker.reader.start()
        workers.append(worker)
    return workers


def _wait_for(condition: str, predicate: object, seconds: float) -> None:
    assert callable(predicate)
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {condition}")
        time.sleep(0.1)


def _stop(workers: list[WorkerProcess]) -> None:
    for worker in workers:
        if worker.process.poll() is None:
            os.killpg(worker.process.pid, signal.SIGTERM)
    for worker in workers:
        try:
            worker.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.process.pid, signal.SIGKILL)
            worker.process.wait()
        if worker.reader is not None:
            worker.reader.join(timeout=10)  # the pipe ends with the process
        if worker.process.stderr is not None:
            worker.process.stderr.close()


def test_a_job_of_a_killed_worker_completes_on_another_once(
    schema: str, namespace: str, shared_data: Path
) -> None:
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"
    portfolio = Portfolio(open_database(url))
    now = datetime.now(UTC)
    team = portfolio.create_team("t", now=now)
    project = portfolio.create_project(team.id, "p", now=now)
    lock = (shared_data / "lockfiles" / "itu-p1203" / "poetry.lock").read_bytes()
    job = ingest_job(team_id=team.id, project_id=project.id, filename="poetry.lock", data=lock, after=None)
    workers = _start_workers(url, namespace, 2)
    queue = RedisQueue(REDIS, portfolio, None, BrokerSettings(namespace=namespace))
    holder = psycopg.connect(POSTGRES, options=f"-csearch_path={schema}")
    try:
        _wait_for("both workers", lambda: all(any("ready" in line for line in w.lines) for w in workers), 45)
        holder.execute("SELECT id FROM projects WHERE id = %s FOR UPDATE", (project.id,))
        queue.submit(job)

        def started() -> list[tuple[WorkerProcess, int]]:
            return [
                (w, int(m[1]))
                for w in workers
                for line in w.lines
                if (m := _STARTED.search(line)) and m[2] == job.key
            ]

        _wait_for("the job to start", started, 20)
        ((busy, pid),) = started()
        assert job_record(portfolio, job.key).status == "running"
        os.kill(pid, signal.SIGKILL)  # the worker process running the job, mid-job
        holder.rollback()  # the row lock is released: the job can now go through
        _wait_for("the job to finish", lambda: job_record(portfolio, job.key).is_finished, 30)
        (other,) = [w for w in workers if w is not busy]
        assert any(f"job {job.key} done" in line for line in other.lines)
    finally:
        holder.close()
        _stop(workers)
        queue.close()
    record = job_record(portfolio, job.key)
    assert (record.status, record.attempts) == ("done", 2)
    assert record.result is not None
    assert record.result["is_new_snapshot"]
    assert len(portfolio.snapshots(team.id, project.id)) == 1
    portfolio.close()
