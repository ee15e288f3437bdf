"""`GET /api/v1/projects/{id}/vex`: the project's triage decisions as an OpenVEX or CycloneDX VEX document.

One statement per triaged finding (its newest decision), fixed findings included: a VEX document records
what was decided, and a consumer may still hold the old version. Untriaged findings are not in it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from osswatch.monitor.triage import triage_export
from osswatch.report.triage_vex import VexFormat, vex_document
from osswatch.web.auth import PortfolioDep, Viewer
from osswatch.web.params import RecordId

router = APIRouter(prefix="/api/v1/projects", tags=["triage"])

_MEDIA_TYPES = {VexFormat.OPENVEX: "application/json", VexFormat.CYCLONEDX: "application/vnd.cyclonedx+json"}


@router.get(
    "/{project_id}/vex",
    response_class=JSONResponse,
    responses={
        200: {
            "description": "An OpenVEX v0.2.0 or CycloneDX 1.6 VEX document",
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "application/vnd.cyclonedx+json": {"schema": {"type": "object"}},
            },
        }
    },
)
def project_vex(
    project_id: RecordId, key: Viewer, portfolio: PortfolioDep, format: VexFormat = VexFormat.OPENVEX
) -> JSONResponse:
    """The project's triage as VEX (`format=openvex`, the default, or `cyclonedx`); author: the team's key."""
    portfolio.project(key.team_id, project_id)
    statements = triage_export(portfolio, key.team_id, project_id)
    document: dict[str, Any] = vex_document(statements, format, author=key.name, now=datetime.now(UTC))
    return JSONResponse(document, media_type=_MEDIA_TYPES[format])
