"""The job queues: Dramatiq over a real Redis (one key prefix per test), in-process, and the schedule."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
from dramatiq import Worker

from osswatch.errors import InputError
from osswatch.monitor.job_records import JobRecord, job_record
from osswatch.monitor.jobs import JobKind, ingest_job, server_context
from osswatch.monitor.portfolio import Portfolio
from osswatch.monitor.queue import ROUTES, InProcessQueue, open_queue
from osswatch.monitor.redis_queue import POLL_ENV, BrokerSettings, RedisQueue
from osswatch.monitor.schedule import Schedule, due_jobs, parse_interval, slot_key

pytestmark = pytest.mark.redis

REDIS = "redis://127.0.0.1:6379/0"


@pytest.fixture
def namespace() -> Iterator[str]:
    """A Redis key prefix of this test's own; its keys are deleted afterwards."""
    name = f"osswatch-test-{uuid.uuid4().hex}"
    yield name
    client = redis.Redis.from_url(REDIS)
    keys = list(client.scan_iter(f"{name}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def _wait_finished(portfolio: Portfolio, key: str, seconds: float = 60) -> JobRecord:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        record = job_record(portfolio, key)
        if record.is_finished:
            return record
        time.sleep(0.1)
    raise AssertionError(f"job {key} did not finish in {seconds} s: {job_record(portfolio, key)}")


def test_a_redis_job_is_sent_once_and_run_by_a_worker(
    portfolio: Portfolio, namespace: str, shared_data: Path
) -> None:
    now = datetime.now(UTC)
    team = portfolio.create_team("t", now=now)
    project = portfolio.create_project(team.id, "p", now=now)
    lock = (shared_data / "lockfiles" / "itu-p1203" / "poetry.lock").read_bytes()
    job = ingest_job(team_id=team.id, project_id=project.id, filename="poetry.lock", data=lock, after=None)
    context = server_context(portfolio.engine, policy_path=None, osv_url="file:///nowhere")
    queue = RedisQueue(REDIS, portfolio, context, BrokerSettings(namespace=namespace))
    try:
        assert queue.submit(job).status == "queued"
        assert queue.submit(job).status == "queued"  # the key is recorded: not sent twice
        client = redis.Redis.from_url(REDIS)
        assert client.llen(f"{namespace}:ingest") == 1
        client.close()
        worker = Worker(queue.broker, worker_threads=1, worker_timeout=100)
        worker.start()
        try:
            done = _wait_finished(portfolio, job.key)
        finally:
            worker.stop()
    finally:
        queue.close()
    assert (done.status, done.attempts) == ("done", 1)
    assert done.result is not None
    assert done.result["components"] > 10
    assert len(portfolio.snapshots(team.id, project.id)) == 1


def test_the_actors_follow_the_routes(portfolio: Portfolio, namespace: str) -> None:
    queue = RedisQueue(REDIS, portfolio, None, BrokerSettings(namespace=namespace))
    try:
        routed = {kind: (a.queue_name, a.priority) for kind, a in queue.actors.items()}
    finally:
        queue.close()
    assert routed == {kind: (ROUTES[kind].queue, ROUTES[kind].priority) for kind in JobKind}
    assert ROUTES[JobKind.INGEST_SNAPSHOT].priority < min(
        r.priority for k, r in ROUTES.items() if k != "ingest_snapshot"
    )


def test_idle_consumers_look_again_within_the_poll_interval(
    portfolio: Portfolio, namespace: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(POLL_ENV, "250")
    settings = BrokerSettings.from_env()
    assert settings.idle_poll_ms == 250
    queue = RedisQueue(REDIS, portfolio, None, BrokerSettings(namespace=namespace, idle_poll_ms=250))
    try:
        # Dramatiq's workers ask for a 1 s idle timeout; the backoff of an empty queue stops at 250 ms.
        consumer = queue.broker.consume("ingest", prefetch=1, timeout=1000)
        assert consumer.timeout == 250  # type: ignore[attr-defined]
        assert queue.broker.consume("ingest", prefetch=1, timeout=50).timeout == 50  # type: ignore[attr-defined]
        # Delay queues (retries waiting out their backoff) keep Dramatiq's own idle timeout.
        assert queue.broker.consume("ingest.DQ", prefetch=1, timeout=1000).timeout == 1000  # type: ignore[attr-defined]
        # An empty queue: each call sleeps its backoff (5 ms doubling, jittered). Capped at 250 ms, twenty
        # misses sleep at most 4.1 s; at Dramatiq's 1 s they would sleep at least 7.3 s.
        started = time.monotonic()
        misses = [next(consumer) for _ in range(20)]
        assert misses == [None] * 20
        assert time.monotonic() - started < 5.5
    finally:
        queue.close()


@pytest.mark.parametrize("value", ["soon", "5", "600000"])
def test_a_bad_poll_interval_is_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(POLL_ENV, value)
    with pytest.raises(InputError, match=POLL_ENV):
        BrokerSettings.from_env()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (None, "the in-process job queue needs a job context"),
        (
            "amqp://127.0.0.1",
            "OSSWATCH_QUEUE_URL: 'amqp://127.0.0.1' is not a redis://, rediss:// or unix:// URL",
        ),
    ],
    ids=["no-context", "not-redis"],
)
def test_open_queue_refuses(portfolio: Portfolio, url: str | None, message: str) -> None:
    with pytest.raises(InputError) as caught:
        open_queue(url, portfolio, None)
    assert str(caught.value) == message


def test_open_queue_without_url_is_in_process(portfolio: Portfolio) -> None:
    context = server_context(portfolio.engine, policy_path=None, osv_url="")
    queue = open_queue(None, portfolio, context)
    assert isinstance(queue, InProcessQueue)
    assert not queue.is_background


def test_the_schedule_keys_jobs_by_time_slot() -> None:
    schedule = Schedule(
        sync_every=timedelta(hours=1), health_every=timedelta(days=1), notify_every=timedelta(hours=1)
    )
    early = datetime(2026, 1, 1, 9, 1, tzinfo=UTC)
    late = datetime(2026, 1, 1, 9, 59, tzinfo=UTC)
    assert [j.key for j in due_jobs(schedule, early)] == [j.key for j in due_jobs(schedule, late)]
    assert [j.key for j in due_jobs(schedule, early)] == [
        "sync_advisories:slot-20260101T090000Z",
        "refresh_health:slot-20260101T000000Z",
        "deliver_notifications:slot-20260101T090000Z",
    ]
    assert slot_key(late + timedelta(minutes=1), timedelta(hours=1)) == "slot-20260101T100000Z"


def test_two_schedulers_in_one_slot_run_each_job_once(portfolio: Portfolio) -> None:
    context = server_context(portfolio.engine, policy_path=None, osv_url="")
    first, second = InProcessQueue(context), InProcessQueue(context)
    now = datetime.now(UTC)
    health = due_jobs(Schedule(), now)[1]
    assert first.submit(health).status == "done"
    again = second.submit(health)
    assert (again.status, again.attempts) == ("done", 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90s", timedelta(seconds=90)),
        ("30m", timedelta(minutes=30)),
        ("1h", timedelta(hours=1)),
        ("2d", timedelta(days=2)),
    ],
    ids=["seconds", "minutes", "hours", "days"],
)
def test_parse_interval(text: str, expected: timedelta) -> None:
    assert parse_interval(text, "--sync-every") == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hourly", "--sync-every: 'hourly' is not an interval such as 30m, 1h or 1d"),
        ("10s", "--sync-every: '10s' is shorter than a minute"),
    ],
    ids=["words", "too-short"],
)
def test_parse_interval_refuses(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_interval(text, "--sync-every")
    assert str(caught.value) == message
