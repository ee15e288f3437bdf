"""Jobs run in-process: keyed and recorded once, and a sync re-evaluates only the projects it touches."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from osswatch.advisories.match import match_component
from osswatch.advisories.osv_record import parse_advisory
from osswatch.model import Component, EcosystemName, Inventory, Location, Purl
from osswatch.monitor.analysis import record_inventory
from osswatch.monitor.job_records import job_record, record_job, start_job
from osswatch.monitor.jobs import (
    Job,
    JobContext,
    ingest_job,
    refresh_health_job,
    run_job,
    server_context,
    sync_job,
)
from osswatch.monitor.notify import dispatch
from osswatch.monitor.notify.rules import ChannelKind, Event, RuleSpec, create_rule, deliveries_of
from osswatch.monitor.portfolio import Portfolio
from osswatch.monitor.queue import InProcessQueue, is_to_send
from osswatch.scan import ScanResult
from osswatch.store.portfolio_tables import findings, snapshots
from tests.monitor.notify.conftest import LOOPBACK
from tests.store_fixtures import OsvMirror

DJANGO = Component(
    name="django",
    version="3.2.0",
    ecosystem=EcosystemName("PyPI"),
    purl=Purl("pkg:pypi/django@3.2.0"),
    location=Location(path="requirements.txt"),
)


def _context(portfolio: Portfolio, osv_url: str = "file:///nowhere") -> JobContext:
    return server_context(portfolio.engine, policy_path=None, osv_url=osv_url)


def _evaluated_at(portfolio: Portfolio, project_id: int) -> datetime:
    with portfolio.reading() as connection:
        found: datetime | None = connection.scalar(
            select(snapshots.c.evaluated_at)
            .where(snapshots.c.project_id == project_id)
            .order_by(snapshots.c.id.desc())
            .limit(1)
        )
    assert found is not None
    return found


def _open_ids(portfolio: Portfolio, project_id: int) -> set[str]:
    with portfolio.reading() as connection:
        query = select(findings.c.vulnerability_id).where(
            findings.c.project_id == project_id, findings.c.fixed_at.is_(None)
        )
        return set(connection.scalars(query))


def _publish(mirror: OsvMirror, records: dict[str, bytes]) -> None:
    """The records as a PyPI folder of the mirror: all.zip, one file each, and modified_id.csv."""
    folder = mirror.root / "PyPI"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.json"):
        old.unlink()
    with zipfile.ZipFile(folder / "all.zip", "w") as archive:
        for advisory_id, data in records.items():
            archive.writestr(f"{advisory_id}.json", data)
    rows = []
    for advisory_id, data in records.items():
        (folder / f"{advisory_id}.json").write_bytes(data)
        rows.append((json.loads(data)["modified"], advisory_id))
    rows.sort(reverse=True)
    (folder / "modified_id.csv").write_text("".join(f"{m},{i}\n" for m, i in rows))


def _lists(data: bytes, name: str, version: str) -> bool:
    """True when the OSV record lists `version` of PyPI package `name` as affected."""
    advisory = parse_advisory(json.loads(data), origin=name)
    return any(a.package.name == name and version in a.versions for a in advisory.affected)


def _real_records(shared_data: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(shared_data / "osv" / "PyPI" / "all.zip") as archive:
        return {name.removesuffix(".json"): archive.read(name) for name in archive.namelist()}


def test_a_sync_reevaluates_only_the_projects_its_changes_touch(
    portfolio: Portfolio, osv_mirror: OsvMirror, shared_data: Path, vulnerable_result: ScanResult
) -> None:
    records = _real_records(shared_data)
    numpy = next(c for c in vulnerable_result.inventory.components if c.name == "numpy")
    held = next(i for i in sorted(records) if _lists(records[i], "numpy", numpy.version or ""))
    _publish(osv_mirror, {i: data for i, data in records.items() if i != held})
    context = _context(portfolio, osv_mirror.url)
    queue = InProcessQueue(context)
    queue.submit(sync_job(["PyPI"], key="first"))

    now = datetime.now(UTC)
    team = portfolio.create_team("t", now=now)
    uses_numpy = portfolio.create_project(team.id, "a", now=now).id
    uses_django = portfolio.create_project(team.id, "b", now=now).id
    for project_id, inventory in (
        (uses_numpy, vulnerable_result.inventory),
        (uses_django, Inventory(components=(DJANGO,))),
    ):
        record_inventory(portfolio, context.analyser, project_id=project_id, inventory=inventory, now=now)
    before = {p: _evaluated_at(portfolio, p) for p in (uses_numpy, uses_django)}
    django_ids = _open_ids(portfolio, uses_django)
    assert django_ids
    assert held not in _open_ids(portfolio, uses_numpy)

    # A new numpy advisory: only the numpy project is judged again.
    _publish(osv_mirror, records)
    done = queue.submit(sync_job(["PyPI"], key="second"))
    assert done.status == "done"
    assert done.result is not None
    assert done.result["projects"] == [uses_numpy]
    assert done.result["synced"]["PyPI"]["added"] == 1
    (follow_up,) = done.result["jobs"]
    assert job_record(portfolio, follow_up).status == "done"
    assert _evaluated_at(portfolio, uses_numpy) > before[uses_numpy]
    assert _evaluated_at(portfolio, uses_django) == before[uses_django]
    with portfolio.reading() as connection:
        aliases = connection.execute(select(findings.c.vulnerability_id, findings.c.aliases)).all()
    assert any(held == row[0] or held in row[1] for row in aliases)

    # One of django's advisories is withdrawn from the mirror: only the django project, its finding fixed.
    gone = sorted(django_ids)[0]
    _publish(osv_mirror, {i: data for i, data in records.items() if i != gone})
    numpy_at = _evaluated_at(portfolio, uses_numpy)
    done = queue.submit(sync_job(["PyPI"], key="third"))
    assert done.result is not None
    assert done.result["projects"] == [uses_django]
    assert done.result["synced"]["PyPI"]["removed"] == 1
    assert gone not in _open_ids(portfolio, uses_django)
    assert _evaluated_at(portfolio, uses_numpy) == numpy_at


def test_a_sync_skips_touched_projects_whose_findings_it_does_not_change(
    portfolio: Portfolio, osv_mirror: OsvMirror, shared_data: Path, vulnerable_result: ScanResult
) -> None:
    records = _real_records(shared_data)
    numpy = next(c for c in vulnerable_result.inventory.components if c.name == "numpy")
    advisories = {i: parse_advisory(json.loads(data), origin=i) for i, data in records.items()}
    # A real numpy advisory that does not affect the pinned numpy: the project is touched, not changed.
    held = next(
        i
        for i in sorted(advisories)
        if any(a.package.name == "numpy" for a in advisories[i].affected)
        and not match_component(numpy, [advisories[i]])
    )
    _publish(osv_mirror, {i: data for i, data in records.items() if i != held})
    queue = InProcessQueue(_context(portfolio, osv_mirror.url))
    queue.submit(sync_job(["PyPI"], key="first"))
    now = datetime.now(UTC)
    team = portfolio.create_team("t", now=now)
    project_id = portfolio.create_project(team.id, "a", now=now).id
    context = _context(portfolio, osv_mirror.url)
    record_inventory(
        portfolio, context.analyser, project_id=project_id, inventory=vulnerable_result.inventory, now=now
    )
    before = _evaluated_at(portfolio, project_id)
    open_before = _open_ids(portfolio, project_id)

    _publish(osv_mirror, records)
    done = queue.submit(sync_job(["PyPI"], key="second"))
    assert done.result is not None
    assert done.result["synced"]["PyPI"]["added"] == 1
    assert done.result["touched"] == [project_id]
    assert done.result["projects"] == []
    assert done.result["jobs"] == []
    assert _evaluated_at(portfolio, project_id) == before
    assert _open_ids(portfolio, project_id) == open_before


class _Killed(BaseException):
    """A worker's death at one point of a job: not an `Exception`, so no handler records the job failed."""


def test_a_worker_killed_while_recording_a_reevaluation_loses_no_notification(
    portfolio: Portfolio,
    osv_mirror: OsvMirror,
    shared_data: Path,
    vulnerable_result: ScanResult,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    records = _real_records(shared_data)
    numpy = next(c for c in vulnerable_result.inventory.components if c.name == "numpy")
    held = next(i for i in sorted(records) if _lists(records[i], "numpy", numpy.version or ""))
    _publish(osv_mirror, {i: data for i, data in records.items() if i != held})
    context = _context(portfolio, osv_mirror.url)
    InProcessQueue(context).submit(sync_job(["PyPI"], key="first"))
    now = datetime.now(UTC)
    team = portfolio.create_team("t", now=now).id
    project_id = portfolio.create_project(team, "a", now=now).id
    record_inventory(
        portfolio, context.analyser, project_id=project_id, inventory=vulnerable_result.inventory, now=now
    )
    spec = RuleSpec(
        name="hook", channel=ChannelKind.WEBHOOK, target="http://127.0.0.1:9/hook", min_severity="unknown"
    )
    rule, _ = create_rule(portfolio, team, spec, now=now, policy=LOOPBACK)

    # The sync finds the new numpy advisory and plans one re-evaluation, run here by hand.
    _publish(osv_mirror, records)
    planned: list[Job] = []

    def submit(job: Job) -> None:
        is_to_send(portfolio, job)
        planned.append(job)

    submit(sync_job(["PyPI"], key="second"))
    run_job(context, planned.pop().key, submit)
    (reevaluation,) = planned

    # The worker dies as the notification is recorded, before the commit: nothing of the job is kept.
    recorded = dispatch._record
    deaths = [_Killed()]

    def dying(connection: object, rows: list[dict[str, object]]) -> int:
        if deaths:
            raise deaths.pop()
        return recorded(connection, rows)  # type: ignore[arg-type]

    monkeypatch.setattr(dispatch, "_record", dying)
    with pytest.raises(_Killed):
        run_job(context, reevaluation.key, submit)
    with portfolio.reading() as connection:
        aliases = connection.execute(select(findings.c.vulnerability_id, findings.c.aliases)).all()
    assert not any(held == row[0] or held in row[1] for row in aliases)  # the finding was rolled back
    assert job_record(portfolio, reevaluation.key).status == "running"

    # Redelivered: the finding is new again, and its notification is planned with it, once.
    assert run_job(context, reevaluation.key, submit) is not None
    (delivery,) = deliveries_of(portfolio, team, rule.id)
    assert delivery.event == Event.NEW_FINDING
    with portfolio.reading() as connection:
        found = connection.execute(select(findings).where(findings.c.id == delivery.finding_id)).one()
    assert held in (found.vulnerability_id, *found.aliases)
    assert found.fixed_at is None


def test_a_sync_without_changes_evaluates_nothing(
    portfolio: Portfolio, osv_mirror: OsvMirror, shared_data: Path
) -> None:
    records = dict(sorted(_real_records(shared_data).items())[:50])
    _publish(osv_mirror, records)
    queue = InProcessQueue(_context(portfolio, osv_mirror.url))
    assert queue.submit(sync_job(["PyPI"], key="one")).result == {
        "synced": {
            "PyPI": {"mode": "full", "added": 50, "changed": 0, "withdrawn": 0, "removed": 0, "skipped": 0}
        },
        "touched": [],
        "projects": [],
        "jobs": [],
    }
    again = queue.submit(sync_job(["PyPI"], key="two")).result
    assert again is not None
    assert (again["synced"]["PyPI"]["mode"], again["synced"]["PyPI"]["added"], again["jobs"]) == (
        "incremental",
        0,
        [],
    )


def _lockfile(shared_data: Path) -> bytes:
    return (shared_data / "lockfiles" / "itu-p1203" / "poetry.lock").read_bytes()


def test_an_ingest_job_runs_once_per_key_and_drops_the_file(portfolio: Portfolio, shared_data: Path) -> None:
    now = datetime.now(UTC)
    team = portfolio.create_team("t", now=now)
    project = portfolio.create_project(team.id, "p", now=now)
    job = ingest_job(
        team_id=team.id,
        project_id=project.id,
        filename="poetry.lock",
        data=_lockfile(shared_data),
        after=None,
    )
    queue = InProcessQueue(_context(portfolio))
    first = queue.submit(job)
    assert (first.status, first.attempts) == ("done", 1)
    assert first.result is not None
    assert first.result["is_new_snapshot"]
    assert first.result["components"] > 10
    assert first.payload["data"] is None  # the file is not kept once recorded
    again = queue.submit(job)
    assert (again.status, again.attempts, again.result) == ("done", 1, first.result)
    assert run_job(_context(portfolio), job.key, queue.submit) is None  # a redelivered done job is skipped
    assert len(portfolio.snapshots(team.id, project.id)) == 1


def test_a_job_left_running_by_a_dead_worker_runs_again_to_one_result(
    portfolio: Portfolio, shared_data: Path
) -> None:
    now = datetime.now(UTC)
    team = portfolio.create_team("t", now=now)
    project = portfolio.create_project(team.id, "p", now=now)
    job = ingest_job(
        team_id=team.id,
        project_id=project.id,
        filename="poetry.lock",
        data=_lockfile(shared_data),
        after=None,
    )
    context = _context(portfolio)
    queue = InProcessQueue(context)
    record_job(portfolio, key=job.key, kind=job.kind, payload=job.payload, now=now)
    assert start_job(portfolio, job.key, now) is not None  # the first worker took it, then died
    assert run_job(context, job.key, queue.submit) is not None
    record = job_record(portfolio, job.key)
    assert (record.status, record.attempts) == ("done", 2)
    assert len(portfolio.snapshots(team.id, project.id)) == 1


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("poetry.lock", b"", "poetry.lock: the file is empty"),
        ("notes.txt", b"hello", "notes.txt: not a kind of file osswatch reads"),
    ],
    ids=["empty", "unknown-kind"],
)
def test_bad_input_fails_the_job_for_good(
    portfolio: Portfolio, filename: str, data: bytes, message: str
) -> None:
    now = datetime.now(UTC)
    team = portfolio.create_team("t", now=now)
    project = portfolio.create_project(team.id, "p", now=now)
    job = ingest_job(team_id=team.id, project_id=project.id, filename=filename, data=data, after=None)
    record = InProcessQueue(_context(portfolio)).submit(job)
    assert record.status == "failed"
    assert record.error is not None
    assert message in record.error
    assert portfolio.snapshots(team.id, project.id) == ()


def test_a_health_refresh_of_every_project_fans_out_in_batches(
    portfolio: Portfolio, current_result: ScanResult
) -> None:
    now = datetime.now(UTC)
    team = portfolio.create_team("t", now=now)
    ids = [portfolio.create_project(team.id, f"p{n}", now=now).id for n in range(5)]
    context = _context(portfolio)
    for project_id in ids[:4]:  # the last has no snapshot yet
        record_inventory(
            portfolio, context.analyser, project_id=project_id, inventory=current_result.inventory, now=now
        )
    small = JobContext(
        portfolio=portfolio, analyser=context.analyser, online_analyser=context.analyser, osv_url="", batch=2
    )
    done = InProcessQueue(small).submit(refresh_health_job(None, key="daily"))
    assert done.result is not None
    batches = [job_record(portfolio, key) for key in done.result["jobs"]]
    assert [b.payload["project_ids"] for b in batches] == [ids[:2], ids[2:4], ids[4:]]
    assert [b.result["evaluated"] if b.result else None for b in batches] == [2, 2, 0]
    assert batches[-1].result is not None
    assert batches[-1].result["skipped"] == [ids[4]]
