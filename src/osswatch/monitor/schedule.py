"""The schedule: sync advisories every hour, refresh health every day, send notifications every minute.

A scheduler wakes every `TICK` and submits the job of the current time slot of each entry, keyed by the
slot's start (`sync_advisories:slot-20260101T0900Z`). Submitting a key twice runs it once (the unique key
in `jobs` is the lock), so any number of schedulers — `osswatch serve --schedule`, `osswatch worker
--beat`, on any machines — may run at once: the first to record a slot's job sends it, the others find it
recorded. A scheduler started late in a slot still runs that slot's jobs.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from osswatch.errors import InputError
from osswatch.monitor.jobs import Job, notify_job, refresh_health_job, sync_job
from osswatch.monitor.queue import JobQueue

_log = logging.getLogger(__name__)

TICK = 30.0
"""Seconds between two looks at the clock."""

SYNC_EVERY_ENV = "OSSWATCH_SYNC_EVERY"
HEALTH_EVERY_ENV = "OSSWATCH_HEALTH_EVERY"
NOTIFY_EVERY_ENV = "OSSWATCH_NOTIFY_EVERY"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_INTERVAL = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


@dataclass(frozen=True, kw_only=True, slots=True)
class Schedule:
    """How often each scheduled job runs."""

    sync_every: timedelta = timedelta(hours=1)
    health_every: timedelta = timedelta(days=1)
    notify_every: timedelta = timedelta(minutes=1)
    """How often planned notifications are sent (and expired waivers looked for)."""

    @classmethod
    def from_env(cls) -> Schedule:
        """The intervals from `OSSWATCH_SYNC_EVERY` and `OSSWATCH_HEALTH_EVERY` (e.g. `30m`, `1d`)."""
        default = cls()
        sync = os.environ.get(SYNC_EVERY_ENV)
        health = os.environ.get(HEALTH_EVERY_ENV)
        notify = os.environ.get(NOTIFY_EVERY_ENV)
        return cls(
            sync_every=parse_interval(sync, SYNC_EVERY_ENV) if sync else default.sync_every,
            health_every=parse_interval(health, HEALTH_EVERY_ENV) if health else default.health_every,
            notify_every=parse_interval(notify, NOTIFY_EVERY_ENV) if notify else default.notify_every,
        )


def parse_interval(text: str, where: str) -> timedelta:
    """`90s`, `30m`, `1h`, `1d` as a timedelta (at least a minute); InputError naming `where` otherwise."""
    found = _INTERVAL.match(text)
    if found is None:
        raise InputError(f"{where}: {text!r} is not an interval such as 30m, 1h or 1d")
    interval = timedelta(**{_UNITS[found[2]]: int(found[1])})
    if interval < timedelta(minutes=1):
        raise InputError(f"{where}: {text!r} is shorter than a minute")
    return interval


def due_jobs(schedule: Schedule, now: datetime) -> list[Job]:
    """The jobs of the time slots `now` falls in, keyed by each slot's start."""
    return [
        sync_job((), key=slot_key(now, schedule.sync_every)),
        refresh_health_job(None, key=slot_key(now, schedule.health_every)),
        notify_job(key=slot_key(now, schedule.notify_every)),
    ]


def slot_key(now: datetime, interval: timedelta) -> str:
    """`slot-<start>`: the start (UTC) of the `interval`-long slot that `now` falls in, counted from 1970."""
    start = _EPOCH + ((now - _EPOCH) // interval) * interval
    return f"slot-{start:%Y%m%dT%H%M%SZ}"


def run_schedule(queue: JobQueue, schedule: Schedule, stop: threading.Event, tick: float = TICK) -> None:
    """Submit the due jobs every `tick` seconds until `stop` is set; a failing job is logged, not fatal."""
    _log.info("scheduler: sync every %s, health every %s", schedule.sync_every, schedule.health_every)
    while not stop.is_set():
        for job in due_jobs(schedule, datetime.now(UTC)):
            try:
                queue.submit(job)
            except Exception:  # noqa: BLE001 — the next slot tries again: a scheduler outlives a failing job
                _log.exception("scheduled job %s failed", job.key)
        stop.wait(tick)


@contextmanager
def scheduling(queue: JobQueue, schedule: Schedule | None) -> Iterator[None]:
    """Run the scheduler in a background thread for the block (nothing when `schedule` is None)."""
    if schedule is None:
        yield
        return
    stop = threading.Event()
    thread = threading.Thread(
        target=run_schedule, args=(queue, schedule, stop), name="scheduler", daemon=True
    )
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def beat() -> int:
    """The scheduler of `osswatch worker --beat` (a Dramatiq fork process): submits to the Redis queue."""
    from osswatch.monitor.portfolio import Portfolio
    from osswatch.monitor.queue import open_queue, queue_url
    from osswatch.settings import database_url

    portfolio = Portfolio.open(database_url())
    queue = open_queue(queue_url(), portfolio, None)
    try:
        run_schedule(queue, Schedule.from_env(), threading.Event())
    finally:
        queue.close()
        portfolio.close()
    return 0


__all__ = [
    "HEALTH_EVERY_ENV",
    "NOTIFY_EVERY_ENV",
    "SYNC_EVERY_ENV",
    "TICK",
    "Schedule",
    "beat",
    "due_jobs",
    "parse_interval",
    "run_schedule",
    "scheduling",
    "slot_key",
]
