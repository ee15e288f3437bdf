"""The `jobs` table: one row per keyed job, moved queued → running → done | failed in its own transactions.

A job's key is its identity: submitting a key twice gives the first row back, so a job enqueued twice
(two schedulers in one time slot, a client retrying an upload) runs to one result. Each state change is
its own short transaction, so a worker that dies mid-job leaves the row `running`; the redelivered
message then starts it again (`start` answers None only for a job already `done`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, insert, select, update

from osswatch.monitor.portfolio import Conflict, Portfolio, UnknownRecord, maybe_utc, to_utc
from osswatch.store.portfolio_tables import jobs

MAX_ERROR = 4000
"""Characters of an error message kept on a failed job."""


@dataclass(frozen=True, kw_only=True, slots=True)
class JobRecord:
    """A job as recorded: what to do, where it stands, and what it gave."""

    key: str
    kind: str
    payload: Mapping[str, Any]
    status: str
    attempts: int
    error: str | None
    result: Mapping[str, Any] | None
    created: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def is_finished(self) -> bool:
        """True once the job is done or has failed."""
        return self.status in ("done", "failed")


def record_job(
    portfolio: Portfolio, *, key: str, kind: str, payload: Mapping[str, Any], now: datetime
) -> tuple[JobRecord, bool]:
    """The job under `key`, added as `queued` unless it exists; True when this call added it."""
    try:
        with portfolio.writing() as connection:
            connection.execute(
                insert(jobs).values(
                    key=key,
                    kind=kind,
                    payload=dict(payload),
                    status="queued",
                    attempts=0,
                    created=to_utc(now),
                )
            )
        is_added = True
    except Conflict:
        is_added = False  # the unique key: another submitter (or an earlier attempt) recorded it
    return job_record(portfolio, key), is_added


def job_record(portfolio: Portfolio, key: str) -> JobRecord:
    """The job under `key`; UnknownRecord when there is none."""
    with portfolio.reading() as connection:
        row = connection.execute(select(jobs).where(jobs.c.key == key)).one_or_none()
    if row is None:
        raise UnknownRecord(f"no job {key!r}")
    return _record(row)


def start_job(portfolio: Portfolio, key: str, now: datetime) -> JobRecord | None:
    """Mark the job running (one more attempt) and return it; None when it is done already.

    A `running` job is started again: its message came back because the worker running it died.
    """
    with portfolio.writing() as connection:
        row = connection.execute(select(jobs).where(jobs.c.key == key).with_for_update()).one_or_none()
        if row is None:
            raise UnknownRecord(f"no job {key!r}")
        if row.status == "done":
            return None
        connection.execute(
            update(jobs)
            .where(jobs.c.key == key)
            .values(status="running", attempts=row.attempts + 1, started_at=to_utc(now), error=None)
        )
    return job_record(portfolio, key)


def finish_job(
    portfolio: Portfolio,
    key: str,
    result: Mapping[str, Any],
    now: datetime,
    *,
    payload: Mapping[str, Any] | None = None,
) -> None:
    """Record the job done with its result (and a slimmer `payload`, e.g. without the uploaded file)."""
    values: dict[str, Any] = {"status": "done", "result": dict(result), "finished_at": to_utc(now)}
    if payload is not None:
        values["payload"] = dict(payload)
    with portfolio.writing() as connection:
        connection.execute(update(jobs).where(jobs.c.key == key).values(**values))


def record_progress(portfolio: Portfolio, key: str, result: Mapping[str, Any]) -> None:
    """Keep a running job's partial result, so that an attempt after a crash can resume from it."""
    with portfolio.writing() as connection:
        connection.execute(update(jobs).where(jobs.c.key == key).values(result=dict(result)))


def fail_job(portfolio: Portfolio, key: str, error: str, now: datetime) -> None:
    """Record the job failed, with why (a retry may still start it again)."""
    with portfolio.writing() as connection:
        connection.execute(
            update(jobs)
            .where(jobs.c.key == key)
            .values(status="failed", error=error[:MAX_ERROR], finished_at=to_utc(now))
        )


def team_job(portfolio: Portfolio, team_id: int, key: str) -> JobRecord:
    """The job under `key` when it belongs to the team; UnknownRecord otherwise (system jobs too)."""
    try:
        record = job_record(portfolio, key)
    except UnknownRecord:
        record = None
    if record is None or record.payload.get("team_id") != team_id:
        raise UnknownRecord(f"no job {key!r}")
    return record


def _record(row: Row[Any]) -> JobRecord:
    return JobRecord(
        key=row.key,
        kind=row.kind,
        payload=dict(row.payload),
        status=row.status,
        attempts=row.attempts,
        error=row.error,
        result=None if row.result is None else dict(row.result),
        created=to_utc(row.created),
        started_at=maybe_utc(row.started_at),
        finished_at=maybe_utc(row.finished_at),
    )


__all__ = [
    "JobRecord",
    "fail_job",
    "finish_job",
    "job_record",
    "record_job",
    "record_progress",
    "start_job",
    "team_job",
]
