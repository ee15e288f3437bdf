"""`/api/v1/projects/{id}/findings`, `/api/v1/projects/{id}/components` and finding triage."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from osswatch.ecosystems.identity import parse_purl
from osswatch.monitor.findings import StoredFinding, findings_of
from osswatch.monitor.records import StoredComponent
from osswatch.monitor.triage import (
    Decision,
    Justification,
    TriageEntry,
    TriageState,
    current_triage,
    set_triage,
)
from osswatch.web.auth import Editor, PortfolioDep, Viewer
from osswatch.web.params import RecordId, Text

router = APIRouter(prefix="/api/v1", tags=["findings"])


class VulnerabilityOut(BaseModel):
    """The vulnerability of a finding."""

    id: str
    aliases: list[str]
    severity: str


class ComponentRef(BaseModel):
    """The component of a finding, read back from its purl."""

    purl: str
    name: str | None
    version: str | None


class FindingOut(BaseModel):
    """One finding of a project: `fixed` once fixed, else its triage state, else `open`."""

    id: int
    vulnerability: VulnerabilityOut
    component: ComponentRef
    state: str
    first_seen: datetime
    last_seen: datetime
    fixed_at: datetime | None
    fixed_in: list[str]


class FindingList(BaseModel):
    """A project's findings."""

    findings: list[FindingOut]


class ComponentOut(BaseModel):
    """A component of a snapshot."""

    ecosystem: str | None
    name: str
    version: str | None
    purl: str | None
    scope: str
    is_direct: bool | None
    source_path: str


class ComponentList(BaseModel):
    """The components of a project's newest snapshot (none before the first upload)."""

    snapshot_id: int | None
    components: list[ComponentOut]


class TriageIn(BaseModel):
    """A triage decision; the author is the key's name."""

    model_config = ConfigDict(extra="forbid")

    state: TriageState
    comment: Text
    justification: Justification | None = None
    expires: datetime | None = None


class TriageOut(BaseModel):
    """A recorded triage decision."""

    finding_id: int
    state: TriageState
    comment: str
    author: str
    at: datetime
    justification: Justification | None
    expires: datetime | None


def component_ref(purl: str) -> ComponentRef:
    """Name and version from a finding's purl (None for a purl osswatch built and cannot read back)."""
    try:
        identity = parse_purl(purl)
    except ValueError:
        return ComponentRef(purl=purl, name=None, version=None)
    return ComponentRef(purl=purl, name=identity.name, version=identity.version)


def finding_out(item: StoredFinding, entry: TriageEntry | None) -> FindingOut:
    """The API view of a finding and its current triage decision."""
    state = "fixed" if not item.is_open else "open" if entry is None else entry.state.value
    return finding_view(item, state)


def finding_view(item: StoredFinding, state: str) -> FindingOut:
    """The API view of a finding in a known state."""
    return FindingOut(
        id=item.id,
        vulnerability=VulnerabilityOut(
            id=item.vulnerability_id, aliases=list(item.aliases), severity=item.severity
        ),
        component=component_ref(item.component_purl),
        state=state,
        first_seen=item.first_seen,
        last_seen=item.last_seen,
        fixed_at=item.fixed_at,
        fixed_in=list(item.fixed_in),
    )


@router.get("/projects/{project_id}/findings")
def list_findings(
    project_id: RecordId, key: Viewer, portfolio: PortfolioDep, include_fixed: bool = False
) -> FindingList:
    """The project's findings (open ones unless `include_fixed`), with their triage state."""
    portfolio.project(key.team_id, project_id)
    items = findings_of(portfolio, key.team_id, project_id, include_fixed=include_fixed)
    decisions = current_triage(portfolio, key.team_id, project_id)
    return FindingList(findings=[finding_out(item, decisions.get(item.id)) for item in items])


@router.get("/projects/{project_id}/components")
def list_components(project_id: RecordId, key: Viewer, portfolio: PortfolioDep) -> ComponentList:
    """The components of the project's newest snapshot."""
    portfolio.project(key.team_id, project_id)
    snapshots = portfolio.snapshots(key.team_id, project_id)
    if not snapshots:
        return ComponentList(snapshot_id=None, components=[])
    latest = snapshots[-1].id
    return ComponentList(
        snapshot_id=latest, components=[_component(c) for c in portfolio.components(key.team_id, latest)]
    )


@router.post("/findings/{finding_id}/triage", status_code=201)
def triage_finding(finding_id: RecordId, body: TriageIn, key: Editor, portfolio: PortfolioDep) -> TriageOut:
    """Record a triage decision about one of the team's findings (editor role)."""
    decision = Decision(
        state=body.state,
        comment=body.comment,
        author=key.name,
        justification=body.justification,
        expires=body.expires,
    )
    entry = set_triage(portfolio, key.team_id, finding_id, decision, now=datetime.now(UTC))
    return TriageOut(
        finding_id=entry.finding_id,
        state=entry.state,
        comment=entry.comment,
        author=entry.author,
        at=entry.at,
        justification=entry.justification,
        expires=entry.expires,
    )


def _component(component: StoredComponent) -> ComponentOut:
    return ComponentOut(
        ecosystem=component.ecosystem,
        name=component.name,
        version=component.version,
        purl=component.purl,
        scope=component.scope,
        is_direct=component.is_direct,
        source_path=component.source_path,
    )
