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
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import dramatiq
from dramatiq.brokers.redis import RedisBroker

from osswatch.errors import InputError
from osswatch.monitor.job_records import JobRecord, job_record
from osswatch.monitor.jobs import Job, JobContext, JobKind, run_job
from osswatch.monitor.portfolio import Portfolio
from osswatch.monitor.queue import QUEUE_URL_ENV, ROUTES, is_to_send, queue_url

_log = logging.getLogger(__name__)

NAMESPACE_ENV = "OSSWATCH_QUEUE_NAMESPACE"
HEARTBEAT_ENV = "OSSWATCH_QUEUE_HEARTBEAT_TIMEOUT"
MAINTENANCE_ENV = "OSSWATCH_QUEUE_MAINTENANCE_CHANCE"
MAX_RETRIES = 5
"""Attempts after a failure other than bad input, with exponential backoff (5 s to 5 min)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class BrokerSettings:
    """The Redis broker's key prefix and how it notices dead workers."""

    namespace: str = "osswatch"
    heartbeat_timeout_s: float = 60.0
    maintenance_chance: int = 10_000

    @classmethod
    def from_env(cls) -> BrokerSettings:
        """The settings from the `OSSWATCH_QUEUE_*` environment variables."""
        try:
            return cls(
                namespace=os.environ.get(NAMESPACE_ENV) or "osswatch",
                heartbeat_timeout_s=float(os.environ.get(HEARTBEAT_ENV) or 60),
                maintenance_chance=int(os.environ.get(MAINTENANCE_ENV) or 10_000),
            )
        except ValueError as e:
            raise InputError(f"{HEARTBEAT_ENV} or {MAINTENANCE_ENV}: not a number: {e}") from e


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
        self.broker = RedisBroker(  # type: ignore[no-untyped-call]  # Dramatiq leaves __init__ untyped
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
