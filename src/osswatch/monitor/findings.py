"""The finding lifecycle: a vulnerability of a component of a project, from first seen to fixed.

A finding is keyed by (vulnerability id, component purl) within its project. Each ingest plans the change
from the stored findings to the scanned ones (`plan_changes`, pure): new ones open, present ones are seen
again, open ones no longer present are fixed, fixed ones present again reopen. Time to remediate is
`fixed_at - first_seen` of each fixed finding (a reopened finding keeps its first `first_seen`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Row, extract, func, select

from osswatch.ecosystems.identity import purl_for
from osswatch.model import Component, Finding
from osswatch.monitor.portfolio import Portfolio, UnknownRecord, maybe_utc, to_utc
from osswatch.store.portfolio_tables import findings, projects

FindingKey = tuple[str, str]
"""(vulnerability id, component purl): what makes a finding the same finding across snapshots."""


@dataclass(frozen=True, kw_only=True, slots=True)
class StoredFinding:
    """A finding as recorded for a project, with its history."""

    id: int
    project_id: int
    vulnerability_id: str
    aliases: tuple[str, ...]
    component_purl: str
    severity: str
    fixed_in: tuple[str, ...]
    first_seen: datetime
    last_seen: datetime
    fixed_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        """True until a snapshot without it is ingested."""
        return self.fixed_at is None

    @property
    def key(self) -> FindingKey:
        """Its (vulnerability id, component purl) key."""
        return self.vulnerability_id, self.component_purl


@dataclass(frozen=True, kw_only=True, slots=True)
class Plan:
    """What one ingest does to the stored findings of a project."""

    new: tuple[FindingKey, ...]
    seen: tuple[int, ...]
    """Ids of stored findings present in the scan (open ones and reopened ones)."""
    reopened: tuple[int, ...]
    fixed: tuple[int, ...]


def component_purl(finding: Finding) -> str:
    """The purl of the finding's component, built from its identity when the file gave none."""
    return stored_purl(finding.component)


def stored_purl(component: Component) -> str:
    """The purl a component's findings are stored under: its own, or one built from its identity."""
    if component.purl:
        return component.purl
    ecosystem = component.ecosystem or ""
    return purl_for(ecosystem, component.name, component.version) or (
        f"{ecosystem}/{component.name}@{component.version}"
    )


def finding_key(finding: Finding) -> FindingKey:
    """The key a scanned finding is stored under."""
    return finding.id, component_purl(finding)


def plan_changes(stored: Mapping[FindingKey, tuple[int, bool]], scanned: Iterable[FindingKey]) -> Plan:
    """The changes from `stored` (key → (id, is open)) to the `scanned` keys."""
    present = set(scanned)
    new = sorted(present - stored.keys())
    seen = sorted(stored[k][0] for k in present & stored.keys())
    reopened = sorted(stored[k][0] for k in present & stored.keys() if not stored[k][1])
    fixed = sorted(finding_id for k, (finding_id, is_open) in stored.items() if is_open and k not in present)
    return Plan(new=tuple(new), seen=tuple(seen), reopened=tuple(reopened), fixed=tuple(fixed))


def findings_of(
    portfolio: Portfolio, team_id: int, project_id: int, *, include_fixed: bool = False
) -> tuple[StoredFinding, ...]:
    """The findings of one of the team's projects (open ones only unless `include_fixed`)."""
    query = _team_findings(team_id).where(findings.c.project_id == project_id).order_by(findings.c.id)
    if not include_fixed:
        query = query.where(findings.c.fixed_at.is_(None))
    with portfolio.reading() as connection:
        return tuple(stored_finding(row) for row in connection.execute(query))


def finding(portfolio: Portfolio, team_id: int, finding_id: int) -> StoredFinding:
    """One finding of the team's projects; UnknownRecord if the team has no such finding."""
    with portfolio.reading() as connection:
        row = connection.execute(_team_findings(team_id).where(findings.c.id == finding_id)).one_or_none()
    if row is None:
        raise UnknownRecord(f"no finding {finding_id} in team {team_id}")
    return stored_finding(row)


@dataclass(frozen=True, kw_only=True, slots=True)
class Remediation:
    """How long one fixed finding stayed open."""

    finding_id: int
    severity: str
    duration: timedelta


@dataclass(frozen=True, kw_only=True, slots=True)
class RemediationReport:
    """Time to remediate: per fixed finding, and the mean per severity."""

    findings: tuple[Remediation, ...]
    mean_by_severity: Mapping[str, timedelta]


def time_to_remediate(portfolio: Portfolio, team_id: int) -> RemediationReport:
    """Time to remediate over the team's fixed findings, computed by the database."""
    with portfolio.reading() as connection:
        elapsed = seconds_between(connection.dialect.name, findings.c.first_seen, findings.c.fixed_at)
        fixed = (
            select(findings.c.id, findings.c.severity, elapsed)
            .join(projects, projects.c.id == findings.c.project_id)
            .where(projects.c.team_id == team_id, findings.c.fixed_at.is_not(None))
        )
        rows = connection.execute(fixed.order_by(findings.c.id)).all()
        means = connection.execute(
            fixed.with_only_columns(findings.c.severity, func.avg(elapsed)).group_by(findings.c.severity)
        ).all()
    per_finding = (Remediation(finding_id=i, severity=s, duration=_seconds(sec)) for i, s, sec in rows)
    return RemediationReport(
        findings=tuple(per_finding), mean_by_severity={s: _seconds(sec) for s, sec in means}
    )


def _seconds(value: float | Decimal) -> timedelta:
    return timedelta(seconds=float(value))


def seconds_between(dialect: str, start: Any, end: Any) -> ColumnElement[Any]:
    """SQL for the seconds from `start` to `end` (two timestamp columns) on this dialect."""
    # SQLite has no interval type: julianday() gives fractional days (exact to ~10 µs today). PostgreSQL
    # subtracts timestamps to an interval and extracts its seconds
    # (https://www.postgresql.org/docs/current/functions-datetime.html#FUNCTIONS-DATETIME-EXTRACT).
    if dialect == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 86400.0
    return extract("epoch", end - start)


def _team_findings(team_id: int) -> Any:
    return (
        select(findings)
        .join(projects, projects.c.id == findings.c.project_id)
        .where(projects.c.team_id == team_id)
    )


def stored_finding(row: Row[Any]) -> StoredFinding:
    """A StoredFinding from a `findings` row."""
    return StoredFinding(
        id=row.id,
        project_id=row.project_id,
        vulnerability_id=row.vulnerability_id,
        aliases=tuple(row.aliases),
        component_purl=row.component_purl,
        severity=row.severity,
        fixed_in=tuple(row.fixed_in),
        first_seen=to_utc(row.first_seen),
        last_seen=to_utc(row.last_seen),
        fixed_at=maybe_utc(row.fixed_at),
    )


__all__ = [
    "FindingKey",
    "Plan",
    "Remediation",
    "RemediationReport",
    "StoredFinding",
    "component_purl",
    "finding",
    "finding_key",
    "findings_of",
    "plan_changes",
    "seconds_between",
    "stored_finding",
    "stored_purl",
    "time_to_remediate",
]
