"""Planning notifications from what changed, and sending the planned ones: the two entry points of jobs.

- `plan_deliveries(connection, project_id, outcome, now)`: in the very transaction of each ingest or
  re-evaluation (its `OutcomeHook`), plans one delivery per matching rule and event of the `IngestOutcome`
  (new, reopened and fixed findings at or above the rule's `min_severity`; a changed policy verdict) and
  records it as `pending` with its rendered payload; `dispatch` does the same in a transaction of its own.
- `expired_waivers(portfolio, now)`: plans `waiver_expired` once per `accepted_risk` decision that is a
  finding's current decision, has expired, and whose finding is still open.
- `deliver_due(portfolio, now)`: sends every pending delivery whose time has come, periodically
  (implemented in `notify.delivery`, re-exported here).

Planning is idempotent: each delivery has a unique key (rule, event, and what the event is about: a
finding's first appearance, a reopening's or fix's time, a snapshot evaluation, a triage decision), and a
key already recorded is skipped — dispatching the same outcome twice, or re-running a job, sends once.
Sending claims each row first, so two workers never send one delivery at the same time; a failed attempt
is retried with exponential backoff until `RetryPolicy.max_attempts`, then marked `failed`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from osswatch.monitor.findings import StoredFinding, stored_finding
from osswatch.monitor.ingest import IngestOutcome
from osswatch.monitor.notify.delivery import CLAIM_LEASE, DeliveryReport, RetryPolicy, deliver_due
from osswatch.monitor.notify.messages import Notice, render
from osswatch.monitor.notify.rules import (
    DeliveryStatus,
    Event,
    Rule,
    is_severe_enough,
    rule_of_row,
)
from osswatch.monitor.portfolio import Portfolio, UnknownRecord, maybe_utc, to_utc
from osswatch.monitor.triage import TriageEntry, TriageState
from osswatch.store.portfolio_tables import (
    findings,
    notification_deliveries,
    notification_rules,
    projects,
    snapshots,
    triage,
)

_log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True, slots=True)
class _Project:
    id: int
    team_id: int
    name: str


def dispatch(portfolio: Portfolio, project_id: int, outcome: IngestOutcome, now: datetime) -> int:
    """Plan, in a transaction of its own, the deliveries one outcome calls for; how many were newly planned.

    Ingest and re-evaluation plan through `plan_deliveries` inside their own transaction instead (see
    there); this is for an outcome already recorded.
    """
    if not calls_for_notice(outcome):
        return 0
    with portfolio.writing() as connection:
        return plan_deliveries(connection, project_id, outcome, now)


def calls_for_notice(outcome: IngestOutcome) -> bool:
    """False when the outcome holds nothing any rule listens for (most re-evaluations after a sync)."""
    return bool(outcome.new or outcome.reopened or outcome.fixed or outcome.is_verdict_changed)


def plan_deliveries(connection: Connection, project_id: int, outcome: IngestOutcome, now: datetime) -> int:
    """Plan the deliveries the outcome calls for, in the caller's transaction; how many were newly planned.

    `ingest` calls it in the transaction that records the outcome (an `OutcomeHook`), so the findings and
    the deliveries they call for are committed together: a worker dying after the commit has planned them
    already, one dying before leaves neither, and the redelivered job records both. (Planned afterwards,
    in a transaction of its own, a death in between lost them for good: the re-run ingest finds the
    findings stored and reports nothing new.) A rule whose messages cannot be rendered (a bug) is logged
    and skipped rather than failing the ingest: an upload is never refused because of a notification rule.
    """
    if not calls_for_notice(outcome):
        return 0  # nothing any rule listens for: no query
    now = to_utc(now)
    project = _project(connection, project_id)
    rules = _rules(connection, project, None)
    if not rules:
        return 0
    evaluated_at = _evaluated_at(connection, outcome.snapshot_id) or now
    rows: list[dict[str, Any]] = []
    for rule in rules:
        try:
            rows.extend(
                _row(rule, notice, key, now)
                for notice, key in _outcome_notices(rule, project, outcome, evaluated_at)
            )
        except Exception:  # noqa: BLE001 — a rule that cannot be rendered must not fail the upload
            _log.exception(
                "rule %d of project %d: its notifications could not be planned", rule.id, project_id
            )
    return _record(connection, rows)  # keyed: a row planned twice is recorded once


def _outcome_notices(
    rule: Rule, project: _Project, outcome: IngestOutcome, evaluated_at: datetime
) -> Iterable[tuple[Notice, str]]:
    template = Notice(
        event=Event.NEW_FINDING,
        occurred_at=evaluated_at,
        rule=rule,
        project_id=project.id,
        project_name=project.name,
    )
    changes: tuple[tuple[Event, Sequence[StoredFinding]], ...] = (
        (Event.NEW_FINDING, outcome.new),
        (Event.REOPENED, outcome.reopened),
        (Event.FIXED, outcome.fixed),
    )
    for event, items in changes:
        if event not in rule.events:
            continue
        for item in items:
            if is_severe_enough(item.severity, rule.min_severity):
                yield replace(template, event=event, finding=item), _finding_key(rule, event, item)
    if Event.VERDICT_CHANGED in rule.events and outcome.is_verdict_changed:
        notice = replace(
            template,
            event=Event.VERDICT_CHANGED,
            previous_passed=outcome.previous_passed,
            passed=outcome.passed,
            snapshot_id=outcome.snapshot_id,
        )
        key = f"r{rule.id}:{Event.VERDICT_CHANGED}:s{outcome.snapshot_id}:{evaluated_at.isoformat()}"
        yield notice, f"{key}:{'pass' if outcome.passed else 'fail'}"


def _finding_key(rule: Rule, event: Event, item: StoredFinding) -> str:
    """New: once per finding ever; reopened and fixed: once per transition (its time)."""
    match event:
        case Event.REOPENED:
            return f"r{rule.id}:{event}:f{item.id}:{item.last_seen.isoformat()}"
        case Event.FIXED:
            moment = item.fixed_at or item.last_seen
            return f"r{rule.id}:{event}:f{item.id}:{moment.isoformat()}"
        case _:
            return f"r{rule.id}:{event}:f{item.id}"


def expired_waivers(portfolio: Portfolio, now: datetime) -> int:
    """Plan `waiver_expired` for every current, expired accepted risk of an open finding; how many are new."""
    now = to_utc(now)
    rows: list[dict[str, Any]] = []
    with portfolio.writing() as connection:
        rules_by_project: dict[int, list[Rule]] = {}
        for found in connection.execute(_expired_query(now)):
            project = _Project(id=found.project_id, team_id=found.team_id, name=found.project_name)
            if project.id not in rules_by_project:
                rules_by_project[project.id] = _rules(connection, project, Event.WAIVER_EXPIRED)
            item = stored_finding(found)
            waiver = TriageEntry(
                finding_id=item.id,
                state=TriageState(found.state),
                comment=found.comment,
                author=found.author,
                at=to_utc(found.at),
                expires=maybe_utc(found.expires),
            )
            for rule in rules_by_project[project.id]:
                if is_severe_enough(item.severity, rule.min_severity):
                    notice = Notice(
                        event=Event.WAIVER_EXPIRED,
                        occurred_at=waiver.expires or now,
                        rule=rule,
                        project_id=project.id,
                        project_name=project.name,
                        finding=item,
                        waiver=waiver,
                    )
                    key = f"r{rule.id}:{Event.WAIVER_EXPIRED}:t{found.triage_id}"
                    rows.append(_row(rule, notice, key, now))
        return _record(connection, rows)


def _expired_query(now: datetime) -> Select[Any]:
    """Accepted risks expired by `now` that are still their open finding's newest decision."""
    newer = aliased(triage)
    is_current = ~(
        select(newer.c.id).where(newer.c.finding_id == triage.c.finding_id, newer.c.id > triage.c.id).exists()
    )
    return (
        select(
            triage.c.id.label("triage_id"),
            triage.c.state,
            triage.c.comment,
            triage.c.author,
            triage.c.at,
            triage.c.expires,
            findings,
            projects.c.team_id,
            projects.c.name.label("project_name"),
        )
        .join(findings, findings.c.id == triage.c.finding_id)
        .join(projects, projects.c.id == findings.c.project_id)
        .where(
            triage.c.state == TriageState.ACCEPTED_RISK.value,
            triage.c.expires <= now,
            findings.c.fixed_at.is_(None),
            is_current,
        )
        .order_by(triage.c.id)
    )


def _project(connection: Connection, project_id: int) -> _Project:
    row = connection.execute(
        select(projects.c.id, projects.c.team_id, projects.c.name).where(projects.c.id == project_id)
    ).one_or_none()
    if row is None:
        raise UnknownRecord(f"no project {project_id}")
    return _Project(id=row.id, team_id=row.team_id, name=row.name)


def _rules(connection: Connection, project: _Project, event: Event | None) -> list[Rule]:
    """The enabled rules of the project's team covering the project (and listening to `event`, if given)."""
    query = (
        select(notification_rules)
        .where(
            notification_rules.c.team_id == project.team_id,
            notification_rules.c.is_enabled.is_(True),
            or_(notification_rules.c.project_id.is_(None), notification_rules.c.project_id == project.id),
        )
        .order_by(notification_rules.c.id)
    )
    rules = [rule_of_row(row) for row in connection.execute(query)]
    return [r for r in rules if event is None or event in r.events]


def _evaluated_at(connection: Connection, snapshot_id: int) -> datetime | None:
    query = select(snapshots.c.evaluated_at).where(snapshots.c.id == snapshot_id)
    return maybe_utc(connection.execute(query).scalar_one_or_none())


def _row(rule: Rule, notice: Notice, key: str, now: datetime) -> dict[str, Any]:
    return {
        "rule_id": rule.id,
        "project_id": notice.project_id,
        "finding_id": None if notice.finding is None else notice.finding.id,
        "event": notice.event.value,
        "key": key,
        "status": DeliveryStatus.PENDING.value,
        "attempts": 0,
        "payload": render(rule.channel, notice),
        "created": now,
        "next_attempt_at": now,
    }


def _record(connection: Connection, rows: list[dict[str, Any]]) -> int:
    """Insert the rows whose key is new (a concurrent planner's rows are skipped, not an error)."""
    if not rows:
        return 0
    unique = list({row["key"]: row for row in rows}.values())
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(notification_deliveries)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(notification_deliveries.c.id)
    )
    return sum(len(connection.execute(statement, row).all()) for row in unique)


__all__ = [
    "CLAIM_LEASE",
    "DeliveryReport",
    "RetryPolicy",
    "calls_for_notice",
    "deliver_due",
    "dispatch",
    "expired_waivers",
    "plan_deliveries",
]
