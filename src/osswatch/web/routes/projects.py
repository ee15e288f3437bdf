"""`/api/v1/projects`: create, list and read the caller's team's projects (one with its latest snapshot)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from osswatch.monitor.overview import by_severity
from osswatch.monitor.project_state import latest_snapshot, open_severities
from osswatch.monitor.records import Project, Snapshot
from osswatch.web.auth import Editor, PortfolioDep, Viewer
from osswatch.web.params import RecordId, Text
from osswatch.web.routes.project_state import HealthSummaryOut, stored

router = APIRouter(prefix="/api/v1/projects", tags=["projects"])


class NewProject(BaseModel):
    """The body of a project to create."""

    model_config = ConfigDict(extra="forbid")

    name: Text = Field(min_length=1)
    version: Text | None = None
    tags: list[Text] = Field(default_factory=list)


class ProjectOut(BaseModel):
    """A project as the API shows it."""

    id: int
    name: str
    version: str | None
    tags: list[str]
    created: datetime

    @classmethod
    def of(cls, project: Project) -> ProjectOut:
        """The API view of a stored project."""
        return cls(
            id=project.id,
            name=project.name,
            version=project.version,
            tags=list(project.tags),
            created=project.created,
        )


class PolicyOutcome(BaseModel):
    """Which policy judged a snapshot, and whether it passed."""

    name: str
    passed: bool


class LatestSnapshot(BaseModel):
    """A summary of a project's newest snapshot and its analysis."""

    snapshot_id: int
    uploaded_at: datetime
    evaluated_at: datetime | None
    source_kind: str
    components: int
    open_findings: dict[str, int] = Field(description="Findings not fixed, per severity (fixed order).")
    policy: PolicyOutcome | None
    health: HealthSummaryOut | None


class ProjectDetail(ProjectOut):
    """A project and a summary of its latest snapshot (null before the first upload)."""

    latest: LatestSnapshot | None


class ProjectList(BaseModel):
    """The caller's team's projects."""

    projects: list[ProjectOut]


@router.post("", status_code=201)
def create_project(body: NewProject, key: Editor, portfolio: PortfolioDep) -> ProjectOut:
    """A new project of the caller's team (409 if the name is taken)."""
    project = portfolio.create_project(
        key.team_id, body.name, now=datetime.now(UTC), version=body.version, tags=body.tags
    )
    return ProjectOut.of(project)


@router.get("")
def list_projects(key: Viewer, portfolio: PortfolioDep) -> ProjectList:
    """The caller's team's projects, by name."""
    return ProjectList(projects=[ProjectOut.of(p) for p in portfolio.projects(key.team_id)])


@router.get("/{project_id}")
def get_project(project_id: RecordId, key: Viewer, portfolio: PortfolioDep) -> ProjectDetail:
    """One of the caller's team's projects with its latest snapshot (404 for any other id)."""
    project = ProjectOut.of(portfolio.project(key.team_id, project_id))
    latest = latest_snapshot(portfolio, key.team_id, project_id)
    summary = None if latest is None else _latest(latest, open_severities(portfolio, key.team_id, project_id))
    return ProjectDetail(**project.model_dump(), latest=summary)


def _latest(snapshot: Snapshot, open_findings: dict[str, int]) -> LatestSnapshot:
    policy = snapshot.policy
    return LatestSnapshot(
        snapshot_id=snapshot.id,
        uploaded_at=snapshot.uploaded_at,
        evaluated_at=snapshot.evaluated_at,
        source_kind=snapshot.source_kind,
        components=snapshot.component_count,
        open_findings=by_severity(open_findings),
        policy=None if policy is None else PolicyOutcome(name=policy[0], passed=policy[1]),
        health=stored(HealthSummaryOut, snapshot.health, "health summary"),
    )
