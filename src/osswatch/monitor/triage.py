"""Triage: people's decisions about findings, kept as an append-only audit trail.

Every decision is a new row; the newest row of a finding is its current state and nothing is ever
updated or deleted, so who decided what, when and why stays on record. `not_affected` carries a VEX
justification (https://github.com/openvex/spec/blob/main/OPENVEX-SPEC.md#status-justifications);
`accepted_risk` must say until when it holds, so accepted risks come back for review.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, insert, select

from osswatch.errors import InputError
from osswatch.monitor.findings import StoredFinding, finding, findings_of
from osswatch.monitor.portfolio import Portfolio, maybe_utc, to_utc
from osswatch.store.portfolio_tables import findings, projects, triage


class TriageState(enum.StrEnum):
    """Where a finding stands in the eyes of the team."""

    IN_TRIAGE = "in_triage"
    NOT_AFFECTED = "not_affected"
    FALSE_POSITIVE = "false_positive"
    ACCEPTED_RISK = "accepted_risk"
    RESOLVED = "resolved"


class Justification(enum.StrEnum):
    """The OpenVEX justifications for `not_affected`."""

    COMPONENT_NOT_PRESENT = "component_not_present"
    VULNERABLE_CODE_NOT_PRESENT = "vulnerable_code_not_present"
    VULNERABLE_CODE_NOT_IN_EXECUTE_PATH = "vulnerable_code_not_in_execute_path"
    VULNERABLE_CODE_CANNOT_BE_CONTROLLED_BY_ADVERSARY = "vulnerable_code_cannot_be_controlled_by_adversary"
    INLINE_MITIGATIONS_ALREADY_EXIST = "inline_mitigations_already_exist"


class TriageRejected(InputError):
    """A triage decision that is not complete (a missing justification, expiry, author or comment)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class TriageEntry:
    """One triage decision about one finding."""

    finding_id: int
    state: TriageState
    comment: str
    author: str
    at: datetime
    justification: Justification | None = None
    expires: datetime | None = None

    def is_expired(self, now: datetime) -> bool:
        """True for an accepted risk whose expiry has passed (it needs a new decision)."""
        return self.expires is not None and self.expires <= to_utc(now)


@dataclass(frozen=True, kw_only=True, slots=True)
class Decision:
    """What someone decides about a finding."""

    state: TriageState
    comment: str
    author: str
    justification: Justification | None = None
    expires: datetime | None = None


def check_decision(decision: Decision, now: datetime) -> None:
    """Raise TriageRejected unless `decision` is complete and consistent."""
    if not decision.author.strip():
        raise TriageRejected("a triage decision needs an author")
    if not decision.comment.strip():
        raise TriageRejected("a triage decision needs a comment saying why")
    is_not_affected = decision.state is TriageState.NOT_AFFECTED
    if is_not_affected and decision.justification is None:
        raise TriageRejected("not_affected needs a VEX justification")
    if not is_not_affected and decision.justification is not None:
        raise TriageRejected(f"a justification is only for not_affected, not {decision.state.value}")
    if decision.state is TriageState.ACCEPTED_RISK:
        if decision.expires is None:
            raise TriageRejected("accepted_risk needs an expiry date")
        if to_utc(decision.expires) <= to_utc(now):
            raise TriageRejected("accepted_risk needs an expiry in the future")
    elif decision.expires is not None:
        raise TriageRejected(f"an expiry is only for accepted_risk, not {decision.state.value}")


def set_triage(
    portfolio: Portfolio, team_id: int, finding_id: int, decision: Decision, *, now: datetime
) -> TriageEntry:
    """Record a decision about one of the team's findings; it becomes the finding's current state."""
    check_decision(decision, now)
    finding(portfolio, team_id, finding_id)  # UnknownRecord for another team's finding
    entry = TriageEntry(
        finding_id=finding_id,
        state=decision.state,
        comment=decision.comment,
        author=decision.author,
        at=to_utc(now),
        justification=decision.justification,
        expires=maybe_utc(decision.expires),
    )
    with portfolio.writing() as connection:
        connection.execute(
            insert(triage).values(
                finding_id=finding_id,
                state=entry.state.value,
                justification=None if entry.justification is None else entry.justification.value,
                comment=entry.comment,
                author=entry.author,
                expires=entry.expires,
                at=entry.at,
            )
        )
    return entry


def triage_history(portfolio: Portfolio, team_id: int, finding_id: int) -> tuple[TriageEntry, ...]:
    """Every decision about one of the team's findings, oldest first."""
    finding(portfolio, team_id, finding_id)
    query = select(triage).where(triage.c.finding_id == finding_id).order_by(triage.c.id)
    with portfolio.reading() as connection:
        return tuple(_entry(row) for row in connection.execute(query))


def current_triage(portfolio: Portfolio, team_id: int, project_id: int) -> dict[int, TriageEntry]:
    """The current (newest) decision per finding of one of the team's projects."""
    newest = (
        select(func.max(triage.c.id))
        .join(findings, findings.c.id == triage.c.finding_id)
        .join(projects, projects.c.id == findings.c.project_id)
        .where(findings.c.project_id == project_id, projects.c.team_id == team_id)
        .group_by(triage.c.finding_id)
    )
    with portfolio.reading() as connection:
        rows = connection.execute(select(triage).where(triage.c.id.in_(newest)))
        return {row.finding_id: _entry(row) for row in rows}


def triage_export(portfolio: Portfolio, team_id: int, project_id: int) -> list[dict[str, Any]]:
    """The current decisions of a project as OpenVEX-like statements (one dict per triaged finding)."""
    decisions = current_triage(portfolio, team_id, project_id)
    items = findings_of(portfolio, team_id, project_id, include_fixed=True)
    return [vex_statement(item, decisions[item.id]) for item in items if item.id in decisions]


_VEX_STATUS = {
    TriageState.IN_TRIAGE: "under_investigation",
    TriageState.NOT_AFFECTED: "not_affected",
    TriageState.FALSE_POSITIVE: "not_affected",  # VEX has no false positive: the product is not affected
    TriageState.ACCEPTED_RISK: "affected",
    TriageState.RESOLVED: "fixed",
}


def vex_statement(item: StoredFinding, entry: TriageEntry) -> dict[str, Any]:
    """One OpenVEX-like statement: vulnerability, product, status and the why."""
    statement: dict[str, Any] = {
        "vulnerability": {"name": item.vulnerability_id, "aliases": list(item.aliases)},
        "products": [{"@id": item.component_purl}],
        "status": _VEX_STATUS[entry.state],
        "timestamp": entry.at.isoformat(),
        "author": entry.author,
        "osswatch_state": entry.state.value,
    }
    match entry.state:
        case TriageState.NOT_AFFECTED:
            statement["justification"] = None if entry.justification is None else entry.justification.value
            statement["impact_statement"] = entry.comment
        case TriageState.FALSE_POSITIVE:
            statement["impact_statement"] = entry.comment
        case TriageState.ACCEPTED_RISK:
            expires = "" if entry.expires is None else f" (accepted until {entry.expires.isoformat()})"
            statement["action_statement"] = entry.comment + expires
        case TriageState.IN_TRIAGE | TriageState.RESOLVED:
            statement["status_notes"] = entry.comment
    return statement


def _entry(row: Row[Any]) -> TriageEntry:
    return TriageEntry(
        finding_id=row.finding_id,
        state=TriageState(row.state),
        comment=row.comment,
        author=row.author,
        at=to_utc(row.at),
        justification=None if row.justification is None else Justification(row.justification),
        expires=maybe_utc(row.expires),
    )


__all__ = [
    "Decision",
    "Justification",
    "TriageEntry",
    "TriageRejected",
    "TriageState",
    "check_decision",
    "current_triage",
    "set_triage",
    "triage_export",
    "triage_history",
    "vex_statement",
]
