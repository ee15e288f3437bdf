"""Recording a `ScanResult` as a project snapshot and bringing the project's findings up to date.

Everything happens in one transaction, with the project row locked (`FOR UPDATE` on PostgreSQL; SQLite
writers are serialized by `BEGIN IMMEDIATE`), so two uploads of one project never interleave. Ingest is
idempotent: a result identical to the project's latest snapshot (same content digest) adds no snapshot,
and only moves `last_seen` of its findings, so a job retried after a crash does no harm.

Re-evaluation (new advisories, fresh health data) passes `snapshot_id`: the findings and the verdict of that
existing snapshot are brought up to date, and no snapshot is added.

What an outcome calls for (the notifications: `notify.dispatch.plan_deliveries`) is planned by the caller's
`OutcomeHook`, inside the same transaction: recorded together with the findings, or not at all.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection, Row, bindparam, insert, or_, select, update

from osswatch.health.base import health_json
from osswatch.model import Finding, Level
from osswatch.monitor.findings import (
    FindingKey,
    Plan,
    StoredFinding,
    finding_key,
    plan_changes,
    stored_finding,
)
from osswatch.monitor.portfolio import Portfolio, UnknownRecord, check_lengths, to_utc
from osswatch.monitor.stored_inventory import component_row, sources_json
from osswatch.scan import ScanResult
from osswatch.store.portfolio_tables import findings, projects, snapshot_components, snapshots

_CHUNK = 500  # ids per IN list


@dataclass(frozen=True, kw_only=True, slots=True)
class IngestOutcome:
    """What one ingest changed, for notifications."""

    snapshot_id: int
    is_new_snapshot: bool
    """False when the result repeated the latest snapshot (nothing was added)."""
    new: tuple[StoredFinding, ...]
    reopened: tuple[StoredFinding, ...]
    fixed: tuple[StoredFinding, ...]
    previous_passed: bool | None = None
    """The policy outcome of the project's latest snapshot before this ingest (None: none, or no policy)."""
    passed: bool | None = None
    """The policy outcome now (None when no policy ran)."""

    @property
    def is_verdict_changed(self) -> bool:
        """True when a policy outcome existed before and differs now."""
        return None not in (self.previous_passed, self.passed) and self.previous_passed != self.passed


class OutcomeHook(Protocol):
    """Runs in the transaction that records an outcome, after it is written (it plans what it calls for)."""

    def __call__(
        self, connection: Connection, project_id: int, outcome: IngestOutcome, now: datetime
    ) -> object:
        """Act on the outcome through `connection`; an error rolls the whole ingest back."""
        ...


def ingest(
    portfolio: Portfolio,
    project_id: int,
    result: ScanResult,
    now: datetime,
    *,
    snapshot_id: int | None = None,
    store_health: bool = True,
    then: OutcomeHook | None = None,
) -> IngestOutcome:
    """Store `result` as the newest snapshot of the project and update its findings, in one transaction.

    With `snapshot_id` (re-evaluation), `result` is a new evaluation of that existing snapshot instead; its
    health is written only with `store_health` (a re-evaluation that reused the stored health leaves it).
    `then` runs in the same transaction with the outcome, before the commit.
    """
    now = to_utc(now)
    scanned = scanned_findings(result.findings)
    with portfolio.writing() as connection:
        _lock_project(connection, project_id)
        previous = _latest_snapshot(connection, project_id)
        previous_passed = None if previous is None else _passed(previous.verdict_summary)
        if snapshot_id is None:
            snapshot_id, is_new = _store_snapshot(connection, project_id, result, now)
        else:
            _store_evaluation(connection, project_id, snapshot_id, result, now, store_health=store_health)
            is_new = False
        stored = _stored_keys(connection, project_id)
        plan = plan_changes(stored, scanned)
        _apply(connection, project_id=project_id, plan=plan, scanned=scanned, stored=stored, now=now)
        after = _changed_rows(connection, project_id, plan, now)
        new_keys = set(plan.new)
        outcome = IngestOutcome(
            snapshot_id=snapshot_id,
            is_new_snapshot=is_new,
            new=tuple(f for f in after.values() if f.key in new_keys),
            reopened=tuple(after[i] for i in plan.reopened),
            fixed=tuple(after[i] for i in plan.fixed),
            previous_passed=previous_passed,
            passed=None if result.verdict is None else result.verdict.is_passed,
        )
        if then is not None:
            then(connection, project_id, outcome, now)
    return outcome


def _changed_rows(
    connection: Connection, project_id: int, plan: Plan, now: datetime
) -> dict[int, StoredFinding]:
    """The project's findings this ingest added, reopened or fixed (and any others first seen `now`)."""
    # Not every finding of the project: a re-evaluation after a sync touches hundreds of projects.
    touched = [*plan.reopened, *plan.fixed]
    query = select(findings).where(findings.c.project_id == project_id)
    if len(touched) <= _CHUNK:  # else: so many changed that reading them all is as good
        new = findings.c.first_seen == now
        query = query.where(or_(new, findings.c.id.in_(touched)) if touched else new)
    return {row.id: stored_finding(row) for row in connection.execute(query)}


def scanned_findings(items: Sequence[Finding]) -> dict[FindingKey, dict[str, Any]]:
    """The values to store per finding key (a vulnerability found twice in one component counts once)."""
    scanned: dict[FindingKey, dict[str, Any]] = {}
    for item in items:
        key = finding_key(item)
        check_lengths(findings, {"vulnerability_id": key[0], "component_purl": key[1]})
        scanned.setdefault(
            key,
            {"aliases": list(item.aliases), "severity": item.rating.level, "fixed_in": list(item.fixed_in)},
        )
    return scanned


def _stored_keys(connection: Connection, project_id: int) -> dict[FindingKey, tuple[int, bool]]:
    query = select(
        findings.c.id, findings.c.vulnerability_id, findings.c.component_purl, findings.c.fixed_at
    ).where(findings.c.project_id == project_id)
    return {
        (row.vulnerability_id, row.component_purl): (row.id, row.fixed_at is None)
        for row in connection.execute(query)
    }


def _lock_project(connection: Connection, project_id: int) -> None:
    query = select(projects.c.id).where(projects.c.id == project_id).with_for_update()
    if connection.execute(query).one_or_none() is None:
        raise UnknownRecord(f"no project {project_id}")


def _store_snapshot(
    connection: Connection, project_id: int, result: ScanResult, now: datetime
) -> tuple[int, bool]:
    components = [component_row(c, result.health.get(c)) for c in result.inventory.components]
    for row in components:
        check_lengths(snapshot_components, row)
    summary = verdict_summary(result)
    digest = _digest(components, sorted(scanned_findings(result.findings).items()), summary)
    latest = _latest_snapshot(connection, project_id)
    if latest is not None and bytes(latest.digest) == digest:
        connection.execute(update(snapshots).where(snapshots.c.id == latest.id).values(evaluated_at=now))
        return latest.id, False
    kinds = sorted({source.kind for source in result.inventory.sources})
    snapshot_id: int = connection.execute(
        insert(snapshots)
        .values(
            project_id=project_id,
            uploaded_at=now,
            source_kind=",".join(kinds) or "none",
            component_count=len(components),
            sources=sources_json(result.inventory.sources),
            verdict_summary=summary,
            digest=digest,
            **evaluation_columns(result, now),
        )
        .returning(snapshots.c.id)
    ).scalar_one()
    if components:
        connection.execute(
            insert(snapshot_components), [{**c, "snapshot_id": snapshot_id} for c in components]
        )
    return snapshot_id, True


def _store_evaluation(
    connection: Connection,
    project_id: int,
    snapshot_id: int,
    result: ScanResult,
    now: datetime,
    *,
    store_health: bool,
) -> None:
    """A new verdict (and health, when assessed anew) for an existing snapshot of the project."""
    store_health = store_health and bool(result.health)
    values: dict[str, Any] = {
        "verdict_summary": verdict_summary(result),
        **evaluation_columns(result, now, with_health=store_health),
    }
    changed = connection.execute(
        update(snapshots)
        .where(snapshots.c.id == snapshot_id, snapshots.c.project_id == project_id)
        .values(**values)
    ).rowcount
    if changed != 1:
        raise UnknownRecord(f"no snapshot {snapshot_id} of project {project_id}")
    if store_health:
        by_purl = {c.purl: health_json(h) for c, h in result.health.items() if c.purl}
        rows = connection.execute(
            select(snapshot_components.c.id, snapshot_components.c.purl).where(
                snapshot_components.c.snapshot_id == snapshot_id
            )
        ).all()
        updates = [{"b_id": row.id, "b_health": by_purl[row.purl]} for row in rows if row.purl in by_purl]
        if updates:
            connection.execute(
                update(snapshot_components)
                .where(snapshot_components.c.id == bindparam("b_id"))
                .values(health=bindparam("b_health")),
                updates,
            )


def evaluation_columns(result: ScanResult, now: datetime, *, with_health: bool = True) -> dict[str, Any]:
    """The snapshot columns one evaluation fills: health summary (unless not `with_health`), verdict, when."""
    from osswatch.report.json_document import verdict_json

    columns: dict[str, Any] = {
        "verdict": None if result.verdict is None else verdict_json(result.verdict),
        "evaluated_at": now,
    }
    if with_health:
        columns["health"] = None
        if result.health:
            from osswatch.health.assess import ComponentHealth
            from osswatch.health.summary import summarize, summary_json

            pairs = [ComponentHealth(component=c, health=h) for c, h in result.health.items()]
            columns["health"] = summary_json(summarize(pairs))
    return columns


def _passed(summary: Mapping[str, Any] | None) -> bool | None:
    value = None if summary is None else summary.get("passed")
    return value if isinstance(value, bool) else None


def _latest_snapshot(connection: Connection, project_id: int) -> Row[Any, Any, Any] | None:
    query = (
        select(snapshots.c.id, snapshots.c.digest, snapshots.c.verdict_summary)
        .where(snapshots.c.project_id == project_id)
        .order_by(snapshots.c.id.desc())
        .limit(1)
    )
    return connection.execute(query).one_or_none()


def verdict_summary(result: ScanResult) -> dict[str, Any]:
    """Finding counts per severity and, when a policy ran, its outcome."""
    severities = Counter(v["severity"] for v in scanned_findings(result.findings).values())
    summary: dict[str, Any] = {
        "findings": sum(severities.values()),
        "severity": dict(sorted(severities.items())),
    }
    if result.verdict is not None:
        summary["policy"] = result.verdict.policy_name
        summary["passed"] = result.verdict.is_passed
        summary["violations"] = {level.value: result.verdict.count(level) for level in Level}
    return summary


def _digest(*parts: object) -> bytes:
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def _apply(
    connection: Connection,
    *,
    project_id: int,
    plan: Plan,
    scanned: Mapping[FindingKey, dict[str, Any]],
    stored: Mapping[FindingKey, tuple[int, bool]],
    now: datetime,
) -> None:
    if plan.new:
        connection.execute(
            insert(findings), [_new_row(project_id, key, scanned[key], now) for key in plan.new]
        )
    present = [(stored[key][0], values) for key, values in scanned.items() if key in stored]
    if present:
        # Seen again: refresh what advisories may have changed; clearing fixed_at reopens fixed ones.
        connection.execute(
            update(findings)
            .where(findings.c.id == bindparam("b_id"))
            .values(
                aliases=bindparam("b_aliases"),
                severity=bindparam("b_severity"),
                fixed_in=bindparam("b_fixed_in"),
                last_seen=now,
                fixed_at=None,
            ),
            [{f"b_{k}": v for k, v in {"id": i, **values}.items()} for i, values in present],
        )
    for chunk in _chunks(plan.fixed):
        connection.execute(update(findings).where(findings.c.id.in_(chunk)).values(fixed_at=now))


def _new_row(project_id: int, key: FindingKey, values: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {
        **values,
        "project_id": project_id,
        "vulnerability_id": key[0],
        "component_purl": key[1],
        "first_seen": now,
        "last_seen": now,
    }


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


__all__ = ["IngestOutcome", "OutcomeHook", "ingest", "scanned_findings", "verdict_summary"]
