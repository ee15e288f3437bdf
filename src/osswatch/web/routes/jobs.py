"""`/api/v1/jobs/{key}`: where a queued job (an upload's ingest) stands, for the team that submitted it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from osswatch.monitor.job_records import JobRecord, team_job
from osswatch.web.auth import PortfolioDep, Viewer

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])


class JobOut(BaseModel):
    """A job: queued, running, done (with its result) or failed (with why)."""

    key: str
    kind: str
    status: str
    attempts: int
    error: str | None
    result: dict[str, Any] | None
    created: datetime
    started_at: datetime | None
    finished_at: datetime | None


class JobAccepted(BaseModel):
    """A job taken for a worker: its key and where to follow it."""

    job: str
    status: str
    status_url: str


def job_out(record: JobRecord) -> JobOut:
    """The API shape of a job record."""
    return JobOut(
        key=record.key,
        kind=record.kind,
        status=record.status,
        attempts=record.attempts,
        error=record.error,
        result=None if record.result is None else dict(record.result),
        created=record.created,
        started_at=record.started_at,
        finished_at=record.finished_at,
    )


def job_accepted(record: JobRecord) -> JobAccepted:
    """The 202 answer for a job handed to the queue."""
    return JobAccepted(job=record.key, status=record.status, status_url=status_url(record.key))


def status_url(key: str) -> str:
    """The path of a job's status."""
    return f"{router.prefix}/{key}"


@router.get("/{key}")
async def get_job(key: str, caller: Viewer, portfolio: PortfolioDep) -> JobOut:
    """One of the team's jobs (404 for another team's, and for system jobs such as syncs)."""
    return job_out(await run_in_threadpool(team_job, portfolio, caller.team_id, key))
