"""Searching a team's findings across all its projects: by severity and state, a page at a time.

A finding's state is `fixed` once a snapshot without it was ingested; otherwise its current triage
decision (`in_triage`, `not_affected`, …), or `open` when nobody triaged it (the same rule as
`overview.VulnerabilityUse.state`). Filtering, counting and paging all happen in the database, so a
portfolio of any size costs two queries per page.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, case, func, select

from osswatch.advisories.severity import LEVELS
from osswatch.errors import InputError
from osswatch.monitor.findings import StoredFinding, stored_finding
from osswatch.monitor.portfolio import Portfolio
from osswatch.monitor.triage import TriageState
from osswatch.store.portfolio_tables import findings, projects, triage

STATES = ("open", "fixed", *(state.value for state in TriageState))
"""Every state a finding can be in."""


@dataclass(frozen=True, kw_only=True, slots=True)
class FindingQuery:
    """Which findings to return: severities (None: any), a state (None: every one not fixed), a page."""

    severities: Collection[str] | None = None
    state: str | None = None
    limit: int = 100
    offset: int = 0


@dataclass(frozen=True, kw_only=True, slots=True)
class TeamFinding:
    """A finding of one of the team's projects, with the project's name and the finding's state."""

    finding: StoredFinding
    project_name: str
    state: str


@dataclass(frozen=True, kw_only=True, slots=True)
class FindingPage:
    """How many findings match, and the page asked for (worst severity first, then oldest)."""

    total: int
    items: tuple[TeamFinding, ...]


def at_least(severity: str) -> tuple[str, ...]:
    """The severities as bad as `severity` or worse (`high` → high, critical); InputError for a non-level."""
    if severity not in LEVELS:
        raise InputError(f"unknown severity {severity!r}: use one of {', '.join(LEVELS)}")
    return LEVELS[LEVELS.index(severity) :]


def search_findings(portfolio: Portfolio, team_id: int, query: FindingQuery) -> FindingPage:
    """The team's findings matching `query`: the total count and one page."""
    if query.state is not None and query.state not in STATES:
        raise InputError(f"unknown state {query.state!r}: use one of {', '.join(STATES)}")
    matching = _matching(team_id, query, _current_triage(team_id))
    rank = case({level: i for i, level in enumerate(LEVELS)}, value=findings.c.severity, else_=-1)
    page = matching.order_by(rank.desc(), findings.c.id).limit(query.limit).offset(query.offset)
    with portfolio.reading() as connection:
        total = connection.execute(select(func.count()).select_from(matching.subquery())).scalar_one()
        rows = connection.execute(page).all()
    items = tuple(
        TeamFinding(finding=stored_finding(row), project_name=row.project_name, state=row.state)
        for row in rows
    )
    return FindingPage(total=int(total), items=items)


def _current_triage(team_id: int) -> Any:
    """The newest triage state of each of the team's triaged findings."""
    newest = (
        select(func.max(triage.c.id))
        .join(findings, findings.c.id == triage.c.finding_id)
        .join(projects, projects.c.id == findings.c.project_id)
        .where(projects.c.team_id == team_id)
        .group_by(triage.c.finding_id)
    )
    return select(triage.c.finding_id, triage.c.state).where(triage.c.id.in_(newest)).subquery("current")


def _matching(team_id: int, query: FindingQuery, current: Any) -> Select[Any]:
    state = case((findings.c.fixed_at.is_not(None), "fixed"), else_=func.coalesce(current.c.state, "open"))
    matching = (
        select(findings, projects.c.name.label("project_name"), state.label("state"))
        .join(projects, projects.c.id == findings.c.project_id)
        .outerjoin(current, current.c.finding_id == findings.c.id)
        .where(projects.c.team_id == team_id)
    )
    if query.severities is not None:
        matching = matching.where(findings.c.severity.in_(sorted(query.severities)))
    if query.state is None:
        return matching.where(findings.c.fixed_at.is_(None))
    return matching.where(state == query.state)


__all__ = ["STATES", "FindingPage", "FindingQuery", "TeamFinding", "at_least", "search_findings"]
