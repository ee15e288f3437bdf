"""The job queue over Redis, with Dramatiq: one actor per job kind; messages carry only the job's key.

Why Dramatiq, not Celery: it acknowledges a message only after the actor returns (late ack by design, not
an opt-in), its Redis broker is a few Lua scripts with no result backend or beat process to run, it is
typed and small (one dependency, `redis`), and a broker is an object we build — so the actors are
declared on the broker configured from `OSSWATCH_QUEUE_URL`, never on an import-time global.

What a dead worker leaves behind: a fetched message sits in that worker's "acks" set in Redis until acked.
Every broker call also records the worker's heartbeat; a small share of calls (`maintenance_chance` in a
million) runs maintenance, which puts the unacked messages of workers silent for `heartbeat_timeout` back
on their queue. A busy worker keeps beating (its delay-queue consumer polls), so only a dead one — killed,
OOM, machine gone — loses its messages to the others. Both are set by environment variables
(`OSSWATCH_QUEUE_HEARTBEAT_TIMEOUT` seconds, default 60; `OSSWATCH_QUEUE_MAINTENANCE_CHANCE`, default 10000,
i.e. about every 100th call), as is the Redis key prefix (`OSSWATCH_QUEUE_NAMESPACE`, default `osswatch`).

`osswatch worker` runs `dramatiq.cli` with `boot_worker` as its broker: each worker process builds the
broker, the database engine and the actors itself, after the fork.

How soon a job starts: Dramatiq's Redis consumers poll, backing off exponentially while a queue is empty, up
to the worker's idle timeout (1 s from `dramatiq.cli`, not configurable there). So a job sent to idle
workers waited up to a second before one looked — 0.2-0.4 s per hop measured in benchmarks/portfolio.py,
where a sync job and then its re-evaluations each waited once. `PromptRedisBroker` caps that backoff at
`OSSWATCH_QUEUE_POLL_MS` (default 100): jobs start within about 0.1 s (that benchmark's sync and its
re-evaluations on two workers: 3.56 s → 2.69 s), and an idle worker process asks Redis about each of its
queues about ten times a second. Delay queues (retries waiting out a backoff) keep Dramatiq's 1 s.
Measured on one idle worker process (2-CPU machine): 177 Redis commands/s and 2.3% of a CPU, against 31/s
and 0.6% with Dramatiq's own polling (capping the delay queues too: 320/s and 3%, which cost two busy
workers 6% of their ingest throughput, as their idle consumers kept polling). A large fleet of mostly
idle workers may prefer a longer poll; a portfolio server wants its uploads and re-evaluations started at
once.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dramatiq
from dramatiq.broker import Consumer
from dramatiq.brokers.redis import RedisBroker
from dramatiq.common import dq_name

from osswatch.errors import InputError
from osswatch.monitor.job_records import JobRecord, job_record
from osswatch.monitor.jobs import Job, JobContext, JobKind, run_job
from osswatch.monitor.portfolio import Portfolio
from osswatch.monitor.queue import QUEUE_URL_ENV, ROUTES, is_to_send, queue_url

_log = logging.getLogger(__name__)

NAMESPACE_ENV = "OSSWATCH_QUEUE_NAMESPACE"
HEARTBEAT_ENV = "OSSWATCH_QUEUE_HEARTBEAT_TIMEOUT"
POLL_ENV = "OSSWATCH_QUEUE_POLL_MS"
MAINTENANCE_ENV = "OSSWATCH_QUEUE_MAINTENANCE_CHANCE"
MAX_RETRIES = 5
"""Attempts after a failure other than bad input, with exponential backoff (5 s to 5 min)."""


class PromptRedisBroker(RedisBroker):
    """Dramatiq's Redis broker, whose idle consumers look for new messages at least every `idle_poll_ms`."""

    def __init__(self, *, idle_poll_ms: int, **options: Any) -> None:
        super().__init__(**options)  # type: ignore[no-untyped-call]  # Dramatiq leaves __init__ untyped
        self.idle_poll_ms = idle_poll_ms

    def consume(self, queue_name: str, prefetch: int = 1, timeout: int = 5000) -> Consumer:
        """A consumer of the queue whose idle backoff stops growing at `idle_poll_ms`.

        Not for delay queues (retries waiting out their backoff, seconds to minutes): they keep Dramatiq's
        own, and so half of a worker's consumers poll no more than before.
        """
        if queue_name == dq_name(queue_name):
            return super().consume(queue_name, prefetch, timeout)
        return super().consume(queue_name, prefetch, min(timeout, self.idle_poll_ms))


@dataclass(frozen=True, kw_only=True, slots=True)
class BrokerSettings:
    """The Redis broker's key prefix and how it notices dead workers."""

    namespace: str = "osswatch"
    heartbeat_timeout_s: float = 60.0
    maintenance_chance: int = 10_000
    idle_poll_ms: int = 100
    """The longest an idle worker waits before looking at a queue again (see the module doc)."""

    @classmethod
    def from_env(cls) -> BrokerSettings:
        """The settings from the `OSSWATCH_QUEUE_*` environment variables."""
        try:
            settings = cls(
                namespace=os.environ.get(NAMESPACE_ENV) or "osswatch",
                heartbeat_timeout_s=float(os.environ.get(HEARTBEAT_ENV) or 60),
                maintenance_chance=int(os.environ.get(MAINTENANCE_ENV) or 10_000),
                idle_poll_ms=int(os.environ.get(POLL_ENV) or 100),
            )
        except ValueError as e:
            raise InputError(f"{HEARTBEAT_ENV}, {MAINTENANCE_ENV} or {POLL_ENV}: not a number: {e}") from e
        if not 10 <= settings.idle_poll_ms <= 60_000:
            raise InputError(f"{POLL_ENV}: {settings.idle_poll_ms} ms is outside 10–60000")
        return settings


class RedisQueue:
    """Jobs as Dramatiq messages on Redis; `context` is needed only where the actors run (workers)."""

    def __init__(
        self,
        url: str,
        portfolio: Portfolio,
        context: JobContext | None,
        settings: BrokerSettings | None = None,
    ) -> None:
        chosen = settings or BrokerSettings.from_env()
        self.portfolio = portfolio
        self.context = context
        self.broker = PromptRedisBroker(
            idle_poll_ms=chosen.idle_poll_ms,
            url=url,
            namespace=chosen.namespace,
            heartbeat_timeout=int(chosen.heartbeat_timeout_s * 1000),
            maintenance_chance=chosen.maintenance_chance,
        )
        self.actors = {kind: self._declare(kind) for kind in JobKind}

    @property
    def is_background(self) -> bool:
        """Always: workers run the jobs."""
        return True

    def submit(self, job: Job) -> JobRecord:
        """Record the job and send its key (unless the key was sent already and is still pending)."""
        if is_to_send(self.portfolio, job):
            self.actors[job.kind].send(job.key)
        return job_record(self.portfolio, job.key)

    def close(self) -> None:
        """Close the broker's Redis connections."""
        self.broker.close()
        # Dramatiq's RedisBroker.close does nothing, and the pool it made from the URL is not its client's
        # to close: the sockets would stay open until garbage collection (a ResourceWarning at any moment).
        self.broker.client.connection_pool.disconnect()

    def _declare(self, kind: JobKind) -> dramatiq.Actor[[str], None]:
        route = ROUTES[kind]

        def perform(key: str) -> None:
            if self.context is None:
                raise RuntimeError("this process submits jobs but cannot run them (no job context)")
            run_job(self.context, key, self.submit)

        perform.__name__ = perform.__qualname__ = kind.value
        return dramatiq.Actor(
            perform,
            broker=self.broker,
            actor_name=f"osswatch.{kind.value}",
            queue_name=route.queue,
            priority=route.priority,
            options={
                "max_retries": MAX_RETRIES,
                "min_backoff": 5_000,
                "max_backoff": 300_000,
                "time_limit": int(route.time_limit.total_seconds() * 1000),
            },
        )


def boot_worker() -> None:
    """Build this worker process's queue from the environment and make its broker Dramatiq's."""
    from osswatch.monitor.jobs import server_context
    from osswatch.settings import database_url, osv_url
    from osswatch.store.database import open_database

    url = queue_url()
    if url is None:
        raise InputError(f"{QUEUE_URL_ENV} is not set: workers need the Redis server of the queue")
    policy = Path(os.environ["OSSWATCH_POLICY"]) if os.environ.get("OSSWATCH_POLICY") else None
    context = server_context(open_database(database_url()), policy_path=policy, osv_url=osv_url())
    queue = RedisQueue(url, context.portfolio, context)
    dramatiq.set_broker(queue.broker)
    _log.info("worker %d ready", os.getpid())


__all__ = ["MAX_RETRIES", "BrokerSettings", "RedisQueue", "boot_worker"]
