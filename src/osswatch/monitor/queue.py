"""Where jobs run: in the process that submits them (the default), or on workers over Redis.

`JobQueue.submit(job)` records the job under its key (`job_records.record_job`) and gets it run; a key
already recorded is not run again unless it failed, or sat `queued` for longer than `STALE_QUEUED` (its
message was lost: the submitter died between the row and the send). So two submitters of one key — two
schedulers in one time slot, a client retrying — start it once: the unique key in the database is the lock.

- `InProcessQueue` (no `OSSWATCH_QUEUE_URL`): runs the job synchronously in the caller's thread — the
  upload request (already off the event loop), or the scheduler's thread of `osswatch serve --schedule`.
  Nothing to deploy, nothing lost in a queue, and a failure reaches the caller. Follow-up jobs (the
  re-evaluations after a sync) run right after, in the same thread.
- `RedisQueue` (`OSSWATCH_QUEUE_URL=redis://…`, `osswatch.monitor.redis_queue`): Dramatiq actors;
  `osswatch worker` processes run them.

Jobs go to one of three queues (`ROUTES`), so that an upload never waits behind a portfolio-wide
re-evaluation: `ingest` (highest priority), `evaluate`, `sync`. A worker may listen to some only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from osswatch.errors import InputError
from osswatch.monitor.job_records import JobRecord, job_record, record_job
from osswatch.monitor.jobs import Job, JobContext, JobKind, run_job
from osswatch.monitor.portfolio import Portfolio

QUEUE_URL_ENV = "OSSWATCH_QUEUE_URL"
"""The environment variable naming the Redis server of the job queue (none: jobs run in-process)."""

STALE_QUEUED = timedelta(minutes=10)
"""A job queued this long without starting is sent again when its key is submitted again."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Route:
    """Where a kind of job is queued, how urgent it is, and how long one run may take."""

    queue: str
    priority: int
    """Lower runs first (Dramatiq's order, across all the queues a worker listens to)."""
    time_limit: timedelta


ROUTES: dict[JobKind, Route] = {
    JobKind.INGEST_SNAPSHOT: Route(queue="ingest", priority=0, time_limit=timedelta(minutes=15)),
    JobKind.REEVALUATE: Route(queue="evaluate", priority=10, time_limit=timedelta(minutes=30)),
    JobKind.REFRESH_HEALTH: Route(queue="evaluate", priority=20, time_limit=timedelta(hours=2)),
    JobKind.SYNC_ADVISORIES: Route(queue="sync", priority=30, time_limit=timedelta(hours=2)),
    JobKind.DELIVER_NOTIFICATIONS: Route(queue="notify", priority=5, time_limit=timedelta(minutes=15)),
}
"""The queue of each job kind."""

QUEUES = tuple(sorted({route.queue for route in ROUTES.values()}))
"""Every queue name."""


class JobQueue(Protocol):
    """Takes keyed jobs and gets them run, here or elsewhere."""

    @property
    def is_background(self) -> bool:
        """True when jobs run in other processes (the API then answers 202 with the job's key)."""
        ...

    def submit(self, job: Job) -> JobRecord:
        """Record the job (once per key) and get it run; the record as it stands after."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


class InProcessQueue:
    """Runs each job in the caller's thread as it is submitted."""

    def __init__(self, context: JobContext) -> None:
        self.context = context

    @property
    def is_background(self) -> bool:
        """Never: the job is done (or failed) when `submit` returns."""
        return False

    def submit(self, job: Job) -> JobRecord:
        """Record the job and run it now (unless its key ran already)."""
        if is_to_send(self.context.portfolio, job):
            run_job(self.context, job.key, self.submit)
        return job_record(self.context.portfolio, job.key)

    def close(self) -> None:
        """Nothing to release."""


def is_to_send(portfolio: Portfolio, job: Job) -> bool:
    """Record the job; True when it is new, failed before, or was queued long ago and never started."""
    now = datetime.now(UTC)
    record, is_added = record_job(portfolio, key=job.key, kind=job.kind, payload=job.payload, now=now)
    if is_added or record.status == "failed":
        return True
    return record.status == "queued" and now - record.created > STALE_QUEUED


def queue_url(explicit: str | None = None) -> str | None:
    """The queue URL: `explicit`, else `$OSSWATCH_QUEUE_URL`, else None (in-process)."""
    return explicit or os.environ.get(QUEUE_URL_ENV) or None


def open_queue(url: str | None, portfolio: Portfolio, context: JobContext | None) -> JobQueue:
    """The queue at `url` (a redis:// URL), or the in-process one without a URL (then `context` is needed).

    `context` is what jobs run with; a process that only submits to Redis (`serve`) may pass None.
    """
    if not url:
        if context is None:
            raise InputError("the in-process job queue needs a job context")
        return InProcessQueue(context)
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise InputError(f"{QUEUE_URL_ENV}: {url!r} is not a redis://, rediss:// or unix:// URL")
    from osswatch.monitor.redis_queue import RedisQueue

    return RedisQueue(url, portfolio, context)


__all__ = [
    "QUEUES",
    "QUEUE_URL_ENV",
    "ROUTES",
    "STALE_QUEUED",
    "InProcessQueue",
    "JobQueue",
    "Route",
    "is_to_send",
    "open_queue",
    "queue_url",
]
