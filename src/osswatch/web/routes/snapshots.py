"""`POST /api/v1/projects/{id}/snapshots`: upload an SBOM or lockfile as the project's newest snapshot."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from osswatch.web.auth import Editor, PortfolioDep
from osswatch.web.snapshot import record_upload
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


@router.post("/{project_id}/snapshots", status_code=201)
async def upload_snapshot(
    project_id: int, request: Request, key: Editor, portfolio: PortfolioDep, filename: str | None = None
) -> SnapshotOut:
    """Parse the file (raw body or one multipart file), match it offline and record it (editor role)."""
    upload = await read_upload(request, filename)
    # Parsing, matching and the database are blocking work: keep them off the event loop.
    result, outcome = await run_in_threadpool(
        record_upload,
        portfolio,
        request.app.state.advisories,
        team_id=key.team_id,
        project_id=project_id,
        upload=upload,
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
