"""Portfolio-wide questions of the caller's team: `GET /api/v1/findings` and "who is affected by X?".

Severity filters: `severity=high` keeps exactly that level, `min_severity=high` keeps high and worse
(critical); both together keep what satisfies both. `state` is one finding state (`open`, `fixed`, or a
triage state); without it, every finding that is not fixed is listed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, get_args

from fastapi import APIRouter, Path
from pydantic import BaseModel

from osswatch.monitor.finding_search import FindingQuery, TeamFinding, at_least, search_findings
from osswatch.monitor.overview import VulnerabilityUse, vulnerability_projects
from osswatch.web.auth import PortfolioDep, Viewer
from osswatch.web.params import NO_NUL, Limit, Offset
from osswatch.web.routes.findings import ComponentRef, FindingOut, component_ref, finding_view

router = APIRouter(prefix="/api/v1", tags=["portfolio"])

Severity = Literal["critical", "high", "medium", "low", "none", "unknown"]
"""The severity levels (`osswatch.advisories.severity.LEVELS`)."""
State = Literal["open", "fixed", "in_triage", "not_affected", "false_positive", "accepted_risk", "resolved"]
"""The finding states (`osswatch.monitor.finding_search.STATES`)."""
SEVERITIES: tuple[str, ...] = get_args(Severity)
STATE_NAMES: tuple[str, ...] = get_args(State)

VulnerabilityId = Annotated[
    str,
    Path(
        min_length=1, max_length=255, pattern=NO_NUL, description="A vulnerability id or one of its aliases."
    ),
]


class ProjectRef(BaseModel):
    """The project a finding belongs to."""

    id: int
    name: str


class TeamFindingOut(FindingOut):
    """A finding and its project."""

    project: ProjectRef


class FindingPageOut(BaseModel):
    """A page of the team's findings (worst first) and how many match in all."""

    total: int
    limit: int
    offset: int
    findings: list[TeamFindingOut]


class AffectedComponent(BaseModel):
    """A finding of the vulnerability on one component of a project."""

    finding_id: int
    vulnerability_id: str
    component: ComponentRef
    severity: str
    state: str
    first_seen: datetime
    fixed_at: datetime | None


class AffectedProject(BaseModel):
    """A project of the team with the vulnerability, and where."""

    id: int
    name: str
    version: str | None
    latest_snapshot_id: int | None
    components: list[AffectedComponent]


class VulnerabilityImpact(BaseModel):
    """Which of the team's projects a vulnerability affects (or affected, with `include_fixed`)."""

    vulnerability: str
    projects: list[AffectedProject]


@router.get("/findings")
def team_findings(
    *,
    key: Viewer,
    portfolio: PortfolioDep,
    severity: Severity | None = None,
    min_severity: Severity | None = None,
    state: State | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> FindingPageOut:
    """The team's findings across all projects, worst severity first; filter by severity and state."""
    levels: set[str] | None = None if severity is None else {severity}
    if min_severity is not None:
        worse = set(at_least(min_severity))
        levels = worse if levels is None else levels & worse
    query = FindingQuery(severities=levels, state=state, limit=limit, offset=offset)
    page = search_findings(portfolio, key.team_id, query)
    return FindingPageOut(
        total=page.total, limit=limit, offset=offset, findings=[_team_finding(item) for item in page.items]
    )


@router.get("/vulnerabilities/{vulnerability_id}/projects")
def affected_projects(
    vulnerability_id: VulnerabilityId, key: Viewer, portfolio: PortfolioDep, include_fixed: bool = False
) -> VulnerabilityImpact:
    """The team's projects with a finding of this vulnerability (by id or alias), and on which components."""
    uses = vulnerability_projects(portfolio, key.team_id, vulnerability_id)
    grouped: dict[int, AffectedProject] = {}
    for use in uses:
        if use.fixed_at is not None and not include_fixed:
            continue
        project = grouped.setdefault(
            use.project_id,
            AffectedProject(
                id=use.project_id,
                name=use.project_name,
                version=use.project_version,
                latest_snapshot_id=use.latest_snapshot_id,
                components=[],
            ),
        )
        project.components.append(_affected(use))
    return VulnerabilityImpact(vulnerability=vulnerability_id, projects=list(grouped.values()))


def _team_finding(item: TeamFinding) -> TeamFindingOut:
    view = finding_view(item.finding, item.state)
    return TeamFindingOut(
        **view.model_dump(), project=ProjectRef(id=item.finding.project_id, name=item.project_name)
    )


def _affected(use: VulnerabilityUse) -> AffectedComponent:
    return AffectedComponent(
        finding_id=use.finding_id,
        vulnerability_id=use.vulnerability_id,
        component=component_ref(use.component_purl),
        severity=use.severity,
        state=use.state,
        first_seen=use.first_seen,
        fixed_at=use.fixed_at,
    )


__all__ = ["SEVERITIES", "STATE_NAMES", "router"]
