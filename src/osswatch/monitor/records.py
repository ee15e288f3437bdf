"""The portfolio's records: teams, API keys, projects, snapshots and their components, as read back."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any


class Role(enum.StrEnum):
    """What an API key may do: read, also write (upload, triage), also manage the team."""

    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"


@dataclass(frozen=True, kw_only=True, slots=True)
class Team:
    """A team: the unit of isolation."""

    id: int
    name: str
    created: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class ApiKey:
    """A stored API key (its hash is never returned)."""

    id: int
    team_id: int
    role: Role
    name: str
    prefix: str
    created: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Project:
    """A monitored project."""

    id: int
    team_id: int
    name: str
    version: str | None
    tags: tuple[str, ...]
    created: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class Snapshot:
    """One uploaded inventory of a project, summarized."""

    id: int
    project_id: int
    uploaded_at: datetime
    source_kind: str
    component_count: int
    verdict_summary: dict[str, Any]
    health: dict[str, Any] | None = None
    """The health summary (docs/health.md), when the components' health was assessed."""
    verdict: dict[str, Any] | None = None
    """The policy verdict with every rule's result (the `verdict` of the JSON report), when a policy ran."""
    evaluated_at: datetime | None = None
    """When the snapshot was last matched against advisories."""

    @property
    def policy(self) -> tuple[str, bool] | None:
        """(policy name, passed) from the stored verdict, else from the summary; None when none ran."""
        for source in (self.verdict, self.verdict_summary):
            if source is None:
                continue
            name = source.get("policy")
            passed = source.get("passed")
            if isinstance(name, str) and isinstance(passed, bool):
                return name, passed
        return None


@dataclass(frozen=True, kw_only=True, slots=True)
class StoredComponent:
    """A component of a snapshot, as stored (ecosystem is the base OSV name, name is normalized)."""

    ecosystem: str | None
    name: str
    version: str | None
    purl: str | None
    scope: str
    is_direct: bool | None
    source_path: str
    health: dict[str, Any] | None = None
    """The component's health document (docs/health.md), when assessed."""


__all__ = ["ApiKey", "Project", "Role", "Snapshot", "StoredComponent", "Team"]
