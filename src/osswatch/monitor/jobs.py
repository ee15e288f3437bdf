"""The background jobs of the server: what each kind does, and running one by its key.

Kinds (`JobKind`):

- `ingest_snapshot`: an uploaded file → parse → match, health, policy → the project's newest snapshot.
  The file travels **in the job's row** (`payload.data`: zlib-compressed, base64), not in the queue
  message: the database is already shared by every `serve` and `worker`, the row and its content are
  written in one transaction (no message pointing at missing content), and an SBOM compresses about
  tenfold, so the 20 MiB upload limit means a few MiB in the row. Redis messages stay tiny (the key
  only). The content is dropped from the row once the job is done.
- `sync_advisories`: sync ecosystems from the OSV mirror, then re-evaluate only the projects the written
  and removed advisory ids touch (`advisory_changes.projects_touched`) and whose findings they change
  (`advisory_changes.projects_with_changed_findings`), as `reevaluate` jobs of `BATCH` projects each, so
  several workers share them.
- `refresh_health`: judge projects again with fresh registry data (`reevaluate_all(refresh_health=True)`),
  every project (fanned out in batches) or the listed ones.
- `reevaluate`: judge the listed projects' latest snapshots again (new matches, no network).
- `deliver_notifications`: plan `waiver_expired` for accepted risks past their expiry, then send every
  planned notification that is due (first tries and retries; `notify.delivery.deliver_due`).

Every job is keyed (kind + a content digest, a time slot, or the caller's key) and recorded in `jobs`
(`job_records`). `run_job` skips a job already `done`, and runs a `running` one again (its worker died:
ingest is idempotent by digest, re-evaluation by nature). Bad input fails a job for good; any other error
is recorded and raised, so the queue retries it. The notifications an ingest's or re-evaluation's outcome
calls for are planned in the transaction that records it (`notify.dispatch.plan_deliveries`): a worker
killed after that commit has planned them, one killed before has recorded nothing, and its redelivered
job does both.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import logging
import zlib
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from osswatch.errors import InputError
from osswatch.monitor.analysis import Analyser, reevaluate_all, server_analyser
from osswatch.monitor.ingest import IngestOutcome
from osswatch.monitor.job_records import (
    JobRecord,
    fail_job,
    finish_job,
    record_progress,
    start_job,
)
from osswatch.monitor.portfolio import Portfolio
from osswatch.store.portfolio_tables import projects

_log = logging.getLogger(__name__)

BATCH = 50
"""Projects per fanned-out `reevaluate` or `refresh_health` job."""


class JobKind(enum.StrEnum):
    """What a job does."""

    INGEST_SNAPSHOT = "ingest_snapshot"
    SYNC_ADVISORIES = "sync_advisories"
    REFRESH_HEALTH = "refresh_health"
    REEVALUATE = "reevaluate"
    DELIVER_NOTIFICATIONS = "deliver_notifications"


@dataclass(frozen=True, kw_only=True, slots=True)
class Job:
    """A job to submit: its idempotency key, kind and JSON payload."""

    key: str
    kind: JobKind
    payload: Mapping[str, Any]


Submit = Callable[[Job], object]
"""How a running job hands follow-up jobs to its queue."""


@dataclass(frozen=True, kw_only=True, slots=True)
class JobContext:
    """What jobs run with: the portfolio, the offline and online analysers, the OSV mirror."""

    portfolio: Portfolio
    analyser: Analyser
    online_analyser: Analyser
    """Fetches release data from registries: only `refresh_health` uses it."""
    osv_url: str
    batch: int = BATCH


def server_context(engine: Engine, *, policy_path: Path | None, osv_url: str) -> JobContext:
    """The context of a server or worker: its database, the policy file (or the baseline), the mirror."""
    return JobContext(
        portfolio=Portfolio(engine),
        analyser=server_analyser(engine, policy_path=policy_path),
        online_analyser=server_analyser(engine, policy_path=policy_path, online_health=True),
        osv_url=osv_url,
    )


def ingest_job(*, team_id: int, project_id: int, filename: str, data: bytes, after: int | None) -> Job:
    """Record `data` as the project's newest snapshot; keyed by project, content and `after`.

    `after` is the project's latest snapshot id when the upload arrived, so re-sending one upload is one
    job, while uploading A, then B, then A again is three.
    """
    digest = hashlib.blake2b(filename.encode() + b"\0" + data, digest_size=16).hexdigest()
    return Job(
        key=f"{JobKind.INGEST_SNAPSHOT}:{project_id}:{after or 0}:{digest}",
        kind=JobKind.INGEST_SNAPSHOT,
        payload={
            "team_id": team_id,
            "project_id": project_id,
            "filename": filename,
            "data": base64.b64encode(zlib.compress(data, 6)).decode("ascii"),
        },
    )


def upload_job(portfolio: Portfolio, *, team_id: int, project_id: int, filename: str, data: bytes) -> Job:
    """The `ingest_snapshot` job of an upload to one of the team's projects (UnknownRecord otherwise)."""
    from osswatch.monitor.analysis import latest_snapshot_id

    portfolio.project(team_id, project_id)
    if not filename:
        raise InputError("name the file: pass ?filename=… or upload it as a multipart file")
    after = latest_snapshot_id(portfolio, project_id)
    return ingest_job(team_id=team_id, project_id=project_id, filename=filename, data=data, after=after)


def sync_job(ecosystems: Sequence[str], *, key: str) -> Job:
    """Sync `ecosystems` (none: those already synced) and re-evaluate what changed."""
    return Job(
        key=f"{JobKind.SYNC_ADVISORIES}:{key}",
        kind=JobKind.SYNC_ADVISORIES,
        payload={"ecosystems": sorted(ecosystems)},
    )


def refresh_health_job(project_ids: Sequence[int] | None, *, key: str) -> Job:
    """Refresh health and judge again the listed projects (None: every project)."""
    ids = None if project_ids is None else sorted(set(project_ids))
    return Job(
        key=f"{JobKind.REFRESH_HEALTH}:{key}", kind=JobKind.REFRESH_HEALTH, payload={"project_ids": ids}
    )


def reevaluate_job(project_ids: Sequence[int], *, key: str) -> Job:
    """Judge the listed projects' latest snapshots again."""
    ids = sorted(set(project_ids))
    return Job(key=f"{JobKind.REEVALUATE}:{key}", kind=JobKind.REEVALUATE, payload={"project_ids": ids})


def notify_job(*, key: str) -> Job:
    """Plan notifications of expired waivers and send the due ones."""
    return Job(key=f"{JobKind.DELIVER_NOTIFICATIONS}:{key}", kind=JobKind.DELIVER_NOTIFICATIONS, payload={})


def run_job(context: JobContext, key: str, submit: Submit) -> JobRecord | None:
    """Run the recorded job `key` to done or failed; None when it was done already (a redelivery)."""
    record = start_job(context.portfolio, key, _now())
    if record is None:
        _log.info("job %s is done already; skipped", key)
        return None
    _log.info("job %s started (attempt %d)", key, record.attempts)
    try:
        result, payload = _handler(JobKind(record.kind))(context, record, submit)
    except InputError as e:
        _log.warning("job %s failed: %s", key, e)
        fail_job(context.portfolio, key, str(e), _now())
        return record  # bad input stays bad: no retry
    except Exception as e:
        fail_job(context.portfolio, key, f"{type(e).__name__}: {e}", _now())
        raise
    finish_job(context.portfolio, key, result, _now(), payload=payload)
    _log.info("job %s done", key)
    return record


Handler = Callable[[JobContext, JobRecord, Submit], tuple[dict[str, Any], dict[str, Any] | None]]


def _handler(kind: JobKind) -> Handler:
    match kind:
        case JobKind.INGEST_SNAPSHOT:
            return _ingest
        case JobKind.SYNC_ADVISORIES:
            return _sync
        case JobKind.REFRESH_HEALTH:
            return _refresh
        case JobKind.REEVALUATE:
            return _reevaluate
        case JobKind.DELIVER_NOTIFICATIONS:
            return _deliver


def _ingest(
    context: JobContext, record: JobRecord, _submit: Submit
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    from osswatch.monitor.uploads import record_upload

    payload = record.payload
    data = zlib.decompress(base64.b64decode(payload["data"]))
    result, outcome = record_upload(  # notifications are planned in there
        context.portfolio,
        context.analyser,
        team_id=payload["team_id"],
        project_id=payload["project_id"],
        filename=payload["filename"],
        data=data,
        now=_now(),
    )
    counts = {
        "snapshot_id": outcome.snapshot_id,
        "is_new_snapshot": outcome.is_new_snapshot,
        "kinds": sorted({source.kind for source in result.inventory.sources}),
        "components": len(result.inventory.components),
        "findings": len(result.findings),
        **outcome_counts(outcome),
    }
    return counts, {**payload, "data": None}  # the file is not kept once recorded


def _sync(
    context: JobContext, record: JobRecord, submit: Submit
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    from osswatch.advisories.sources import Mirror
    from osswatch.advisories.store import AdvisoryStore
    from osswatch.advisories.sync import sync_ecosystem
    from osswatch.monitor.advisory_changes import projects_touched, projects_with_changed_findings

    store = AdvisoryStore(context.portfolio.engine)
    names: list[str] = list(record.payload.get("ecosystems") or ())
    names = names or [row.ecosystem for row in store.status() if row.source_url]
    # A retried attempt starts from what an earlier one recorded: its syncs are done, their targets kept.
    progress = dict(record.result or {})
    synced: dict[str, Any] = dict(progress.get("synced", {}))
    targets: set[int] = set(progress.get("projects", ()))
    touched: set[int] = set(progress.get("touched", ()))
    with Mirror(context.osv_url) as mirror:
        for name in names:
            summary = sync_ecosystem(store, mirror, name)
            counts = {"mode": summary.mode, "added": summary.added, "changed": summary.changed}
            counts |= {"withdrawn": summary.withdrawn, "removed": summary.removed, "skipped": summary.skipped}
            synced[name] = counts
            written, removed = summary.written_ids, summary.removed_ids
            reached = projects_touched(context.portfolio, store, written=written, removed=removed)
            touched |= reached
            targets |= projects_with_changed_findings(
                context.portfolio, store, reached, written=written, removed=removed
            )
            state = {"synced": synced, "touched": sorted(touched), "projects": sorted(targets)}
            record_progress(context.portfolio, record.key, state)
    follow_ups = [reevaluate_job(ids, key=f"{record.key}:{n}") for n, ids in _batches(targets, context.batch)]
    for job in follow_ups:
        submit(job)
    result = {"synced": synced, "touched": sorted(touched), "projects": sorted(targets)}
    return {**result, "jobs": [job.key for job in follow_ups]}, None


def _refresh(
    context: JobContext, record: JobRecord, submit: Submit
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    ids: list[int] | None = record.payload.get("project_ids")
    if ids is None:  # every project: fan out, so that several workers share the fetching
        follow_ups = [
            refresh_health_job(batch, key=f"{record.key}:{n}")
            for n, batch in _batches(all_project_ids(context.portfolio), context.batch)
        ]
        for job in follow_ups:
            submit(job)
        return {"jobs": [job.key for job in follow_ups]}, None
    return _judge_again(context.portfolio, context.online_analyser, ids, refresh_health=True), None


def _reevaluate(
    context: JobContext, record: JobRecord, _submit: Submit
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    ids: list[int] = record.payload["project_ids"]
    return _judge_again(context.portfolio, context.analyser, ids, refresh_health=False), None


def _deliver(
    context: JobContext, _record: JobRecord, _submit: Submit
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    from osswatch.monitor.notify.dispatch import deliver_due, expired_waivers

    now = _now()
    planned = expired_waivers(context.portfolio, now)
    report = deliver_due(context.portfolio, now)
    counts = {"sent": report.sent, "retrying": report.retrying, "failed": report.failed}
    return {"waivers_expired": planned, **counts}, None


def _judge_again(
    portfolio: Portfolio, analyser: Analyser, project_ids: Sequence[int], *, refresh_health: bool
) -> dict[str, Any]:
    """Re-evaluate the projects as one batch; counts of what changed, and the projects gone or empty."""
    from osswatch.monitor.notify.dispatch import plan_deliveries

    totals = {"evaluated": 0, "new": 0, "reopened": 0, "fixed": 0, "verdict_changed": 0}
    skipped: list[int] = []
    judged = reevaluate_all(
        portfolio, analyser, project_ids, _now(), refresh_health=refresh_health, then=plan_deliveries
    )
    for project_id, outcome in judged:
        if outcome is None:  # no snapshot yet, or deleted since the job was planned
            skipped.append(project_id)
            continue
        totals["evaluated"] += 1
        for name, count in outcome_counts(outcome).items():
            totals[name] += int(count)
    return {**totals, "skipped": skipped}


def outcome_counts(outcome: IngestOutcome) -> dict[str, int]:
    """How many findings an outcome opened, reopened and fixed, and whether the verdict changed."""
    return {
        "new": len(outcome.new),
        "reopened": len(outcome.reopened),
        "fixed": len(outcome.fixed),
        "verdict_changed": int(outcome.is_verdict_changed),
    }


def all_project_ids(portfolio: Portfolio) -> list[int]:
    """Every project's id, of every team (for system jobs only)."""
    with portfolio.reading() as connection:
        return list(connection.scalars(select(projects.c.id).order_by(projects.c.id)))


def _batches(ids: Collection[int], size: int) -> Iterator[tuple[int, list[int]]]:
    ordered = sorted(ids)
    for n, start in enumerate(range(0, len(ordered), size)):
        yield n, ordered[start : start + size]


def _now() -> datetime:
    return datetime.now(UTC)


__all__ = [
    "BATCH",
    "Job",
    "JobContext",
    "JobKind",
    "Submit",
    "all_project_ids",
    "ingest_job",
    "notify_job",
    "outcome_counts",
    "reevaluate_job",
    "refresh_health_job",
    "run_job",
    "server_context",
    "sync_job",
    "upload_job",
]
