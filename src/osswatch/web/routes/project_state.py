"""`/api/v1/projects/{id}/health` and `/verdict`: the stored analysis of a project's latest snapshot.

Both answer 200 with nulls where nothing is stored yet (no snapshot, health not assessed, no policy
evaluated), so a pipeline polling after an upload never mistakes "not evaluated yet" for "no such project";
404 means only that the caller's team has no such project.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeVar

from fastapi import APIRouter
from pydantic import BaseModel, Field, ValidationError

from osswatch.monitor.project_state import latest_snapshot
from osswatch.monitor.records import StoredComponent
from osswatch.web.auth import PortfolioDep, Viewer
from osswatch.web.params import RecordId

router = APIRouter(prefix="/api/v1/projects", tags=["analysis"])
_log = logging.getLogger(__name__)
_Model = TypeVar("_Model", bound=BaseModel)


class OldestComponent(BaseModel):
    """One of the components whose installed version is oldest."""

    name: str
    version: str | None
    ecosystem: str | None
    published: str | None


class HealthSummaryOut(BaseModel):
    """A project's health over its assessed components (`osswatch.health.summary.summary_json`)."""

    total_libyears: float
    stale_share: float
    unmaintained_share: float
    assessed: int
    unknown: int
    oldest: list[OldestComponent] = Field(default_factory=list)


class BehindOut(BaseModel):
    """How far behind the newest release the installed version is."""

    major: int
    minor: int
    patch: int
    releases: int


class HealthOut(BaseModel):
    """One component's health (`osswatch.health.base.health_json`, docs/health.md)."""

    published: str | None = None
    latest: str | None = None
    latest_published: str | None = None
    libyear: float | None = None
    behind: BehindOut | None = None
    last_release: str | None = None
    inactive_days: int | None = None
    yanked: bool = False
    deprecated: str | None = None
    end_of_life: str | None = None
    repository: str | None = None
    status: list[str]


class ComponentHealthOut(BaseModel):
    """A component of the latest snapshot and its health.

    `assessed` is false when no health is stored (`health: null`) or the stored status is `unknown`
    (no registry could tell), as the summary counts them.
    """

    ecosystem: str | None
    name: str
    version: str | None
    purl: str | None
    assessed: bool
    health: HealthOut | None


class ProjectHealth(BaseModel):
    """The health of a project's latest snapshot; all null/empty before the first upload."""

    snapshot_id: int | None
    evaluated_at: datetime | None
    summary: HealthSummaryOut | None
    components: list[ComponentHealthOut]


class SuppressionOut(BaseModel):
    """Why a violation does not count: a waiver or a VEX statement."""

    kind: str
    reason: str
    approved_by: str | None = None
    expires: str | None = None
    justification: str | None = None


class ViolationOut(BaseModel):
    """One rule that fired (`osswatch.report.json_document.violation_json`)."""

    rule: str
    level: str
    message: str
    component: str | None = None
    vulnerability: str | None = None
    remediation: str | None = None
    guidance: str | None = None
    suppressed: SuppressionOut | None = None


class VerdictOut(BaseModel):
    """A policy verdict (`osswatch.report.json_document.verdict_json`)."""

    policy: str
    passed: bool
    counts: dict[str, int]
    notes: list[str]
    violations: list[ViolationOut]


class ProjectVerdict(BaseModel):
    """The policy verdict of a project's latest snapshot; `verdict` is null when none was evaluated."""

    snapshot_id: int | None
    evaluated_at: datetime | None
    verdict: VerdictOut | None


def stored(model: type[_Model], document: Mapping[str, Any] | None, what: str) -> _Model | None:
    """A stored JSON document read as `model`; None (and a warning) when it does not fit."""
    if document is None:
        return None
    try:
        return model.model_validate(document)
    except ValidationError as e:
        _log.warning("ignoring a stored %s that does not have the documented shape: %s", what, e)
        return None


@router.get("/{project_id}/health")
def project_health(project_id: RecordId, key: Viewer, portfolio: PortfolioDep) -> ProjectHealth:
    """The health summary and per-component health of the project's latest snapshot."""
    latest = latest_snapshot(portfolio, key.team_id, project_id)
    if latest is None:
        return ProjectHealth(snapshot_id=None, evaluated_at=None, summary=None, components=[])
    return ProjectHealth(
        snapshot_id=latest.id,
        evaluated_at=latest.evaluated_at,
        summary=stored(HealthSummaryOut, latest.health, "health summary"),
        components=[_component(c) for c in portfolio.components(key.team_id, latest.id)],
    )


@router.get("/{project_id}/verdict")
def project_verdict(project_id: RecordId, key: Viewer, portfolio: PortfolioDep) -> ProjectVerdict:
    """The policy verdict of the project's latest snapshot (`verdict: null` when none was evaluated)."""
    latest = latest_snapshot(portfolio, key.team_id, project_id)
    if latest is None:
        return ProjectVerdict(snapshot_id=None, evaluated_at=None, verdict=None)
    return ProjectVerdict(
        snapshot_id=latest.id,
        evaluated_at=latest.evaluated_at,
        verdict=stored(VerdictOut, latest.verdict, "verdict"),
    )


def _component(component: StoredComponent) -> ComponentHealthOut:
    health = stored(HealthOut, component.health, "component health")
    return ComponentHealthOut(
        ecosystem=component.ecosystem,
        name=component.name,
        version=component.version,
        purl=component.purl,
        assessed=health is not None and "unknown" not in health.status,
        health=health,
    )


__all__ = ["HealthSummaryOut", "ProjectHealth", "ProjectVerdict", "VerdictOut", "router", "stored"]
