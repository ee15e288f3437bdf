"""`/api/v1/projects`: create, list and read the caller's team's projects."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from osswatch.monitor.records import Project
from osswatch.web.auth import Editor, PortfolioDep, Viewer

router = APIRouter(prefix="/api/v1/projects", tags=["projects"])


class NewProject(BaseModel):
    """The body of a project to create."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    version: str | None = None
    tags: list[str] = Field(default_factory=list)


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
def get_project(project_id: int, key: Viewer, portfolio: PortfolioDep) -> ProjectOut:
    """One of the caller's team's projects (404 for any other id, another team's included)."""
    return ProjectOut.of(portfolio.project(key.team_id, project_id))
