"""`/api/v1/projects/{id}/snapshots`: upload an SBOM or lockfile as the newest snapshot; list the history."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from osswatch.monitor.jobs import upload_job
from osswatch.monitor.project_state import snapshot_history
from osswatch.monitor.queue import JobQueue
from osswatch.monitor.records import Snapshot
from osswatch.monitor.uploads import record_upload
from osswatch.web.auth import Editor, PortfolioDep, Viewer
from osswatch.web.params import Limit, Offset, RecordId
from osswatch.web.routes.jobs import JobAccepted, job_accepted
from osswatch.web.upload import read_upload

router = APIRouter(prefix="/api/v1/projects", tags=["snapshots"])


class SnapshotOut(BaseModel):
    """What one upload recorded."""

    snapshot_id: int
    is_new_snapshot: bool
    kinds: list[str]
    components: int
    findings: int
    new: int
    reopened: int
    fixed: int


class SnapshotSummary(BaseModel):
    """One snapshot of a project's history."""

    id: int
    uploaded_at: datetime
    evaluated_at: datetime | None
    source_kind: str
    components: int
    findings: int
    severity: dict[str, int]
    policy: str | None
    passed: bool | None
    has_health: bool
    has_verdict: bool


class SnapshotHistory(BaseModel):
    """A page of a project's snapshots, newest first, and how many there are."""

    total: int
    limit: int
    offset: int
    snapshots: list[SnapshotSummary]


@router.get("/{project_id}/snapshots")
def list_snapshots(
    project_id: RecordId, key: Viewer, portfolio: PortfolioDep, limit: Limit = 100, offset: Offset = 0
) -> SnapshotHistory:
    """The project's snapshots, newest first: what each recorded and how it was judged."""
    total, page = snapshot_history(portfolio, key.team_id, project_id, limit=limit, offset=offset)
    return SnapshotHistory(total=total, limit=limit, offset=offset, snapshots=[_summary(s) for s in page])


def _summary(snapshot: Snapshot) -> SnapshotSummary:
    counts = snapshot.verdict_summary
    severity = counts.get("severity")
    policy = snapshot.policy
    return SnapshotSummary(
        id=snapshot.id,
        uploaded_at=snapshot.uploaded_at,
        evaluated_at=snapshot.evaluated_at,
        source_kind=snapshot.source_kind,
        components=snapshot.component_count,
        findings=int(counts.get("findings", 0)),
        severity=dict(severity) if isinstance(severity, dict) else {},
        policy=None if policy is None else policy[0],
        passed=None if policy is None else policy[1],
        has_health=snapshot.health is not None,
        has_verdict=snapshot.verdict is not None,
    )


@router.post(
    "/{project_id}/snapshots",
    status_code=201,
    response_model=SnapshotOut,
    responses={202: {"model": JobAccepted, "description": "Queued for a worker (a Redis job queue is set)."}},
)
async def upload_snapshot(
    project_id: RecordId, request: Request, key: Editor, portfolio: PortfolioDep, filename: str | None = None
) -> SnapshotOut | JSONResponse:
    """Parse the file (raw body or one multipart file), match it offline and record it (editor role).

    With a job queue on Redis (`OSSWATCH_QUEUE_URL`) a worker does that: 202 and the job's status URL.
    """
    upload = await read_upload(request, filename)
    queue: JobQueue = request.app.state.queue
    if queue.is_background:
        job = upload_job(
            portfolio, team_id=key.team_id, project_id=project_id, filename=upload.filename, data=upload.data
        )
        accepted = job_accepted(await run_in_threadpool(queue.submit, job))
        return JSONResponse(accepted.model_dump(), status_code=202, headers={"Location": accepted.status_url})
    # Parsing, matching and the database are blocking work: keep them off the event loop.
    result, outcome = await run_in_threadpool(
        record_upload,
        portfolio,
        request.app.state.analyser,
        team_id=key.team_id,
        project_id=project_id,
        filename=upload.filename,
        data=upload.data,
        now=datetime.now(UTC),
    )
    return SnapshotOut(
        snapshot_id=outcome.snapshot_id,
        is_new_snapshot=outcome.is_new_snapshot,
        kinds=sorted({source.kind for source in result.inventory.sources}),
        components=len(result.inventory.components),
        findings=len(result.findings),
        new=len(outcome.new),
        reopened=len(outcome.reopened),
        fixed=len(outcome.fixed),
    )
