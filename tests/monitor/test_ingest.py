"""Recording scan results as snapshots: idempotence, fixes, reopening, and the stored components."""

from __future__ import annotations

import dataclasses
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Table, func, select

from osswatch.errors import InputError
from osswatch.model import Purl
from osswatch.monitor.findings import FindingKey, finding_key, findings_of
from osswatch.monitor.ingest import ingest
from osswatch.monitor.portfolio import Portfolio, UnknownRecord
from osswatch.monitor.stored_inventory import component_row
from osswatch.scan import ScanResult
from osswatch.store.portfolio_tables import findings, snapshot_components, snapshots
from tests.monitor.conftest import T0


def _project(portfolio: Portfolio) -> tuple[int, int]:
    team = portfolio.create_team("audio", now=T0)
    return team.id, portfolio.create_project(team.id, "itu-p1203", now=T0, tags=["itu"]).id


def _count(portfolio: Portfolio, table: Table) -> int:
    with portfolio.reading() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_first_ingest_opens_every_finding(portfolio: Portfolio, vulnerable_result: ScanResult) -> None:
    team_id, project_id = _project(portfolio)
    outcome = ingest(portfolio, project_id, vulnerable_result, T0)
    expected = {finding_key(f) for f in vulnerable_result.findings}
    assert outcome.is_new_snapshot
    assert {f.key for f in outcome.new} == expected
    assert outcome.fixed == outcome.reopened == ()
    stored = findings_of(portfolio, team_id, project_id)
    assert {f.key for f in stored} == expected
    assert all(f.first_seen == f.last_seen == T0 and f.is_open for f in stored)
    by_key = {finding_key(f): f for f in vulnerable_result.findings}
    for item in stored:
        assert item.severity == by_key[item.key].rating.level
        assert item.fixed_in == by_key[item.key].fixed_in
        assert item.aliases == by_key[item.key].aliases


def test_ingesting_the_same_result_twice_changes_only_last_seen(
    portfolio: Portfolio, vulnerable_result: ScanResult
) -> None:
    team_id, project_id = _project(portfolio)
    first = ingest(portfolio, project_id, vulnerable_result, T0)
    before = findings_of(portfolio, team_id, project_id, include_fixed=True)
    counts = (
        _count(portfolio, snapshots),
        _count(portfolio, snapshot_components),
        _count(portfolio, findings),
    )
    later = T0 + timedelta(hours=1)
    second = ingest(portfolio, project_id, vulnerable_result, later)
    after = findings_of(portfolio, team_id, project_id, include_fixed=True)
    assert second.snapshot_id == first.snapshot_id
    assert not second.is_new_snapshot
    assert second.new == second.fixed == second.reopened == ()
    assert (
        _count(portfolio, snapshots),
        _count(portfolio, snapshot_components),
        _count(portfolio, findings),
    ) == (counts)
    assert [dataclasses.replace(f, last_seen=later) for f in before] == list(after)
    assert len(portfolio.snapshots(team_id, project_id)) == 1


def test_a_fix_closes_and_a_regression_reopens(
    portfolio: Portfolio, vulnerable_result: ScanResult, current_result: ScanResult
) -> None:
    team_id, project_id = _project(portfolio)
    ingest(portfolio, project_id, vulnerable_result, T0)
    gone = {finding_key(f) for f in vulnerable_result.findings} - {
        finding_key(f) for f in current_result.findings
    }
    assert gone

    fixed_at = T0 + timedelta(days=3)
    fixed = ingest(portfolio, project_id, current_result, fixed_at)
    assert {f.key for f in fixed.fixed} == gone
    assert all(f.fixed_at == fixed_at and f.first_seen == T0 for f in fixed.fixed)
    assert fixed.new == fixed.reopened == ()
    assert {f.key for f in findings_of(portfolio, team_id, project_id)} == {
        finding_key(f) for f in current_result.findings
    }

    back = T0 + timedelta(days=5)
    reopened = ingest(portfolio, project_id, vulnerable_result, back)
    assert {f.key for f in reopened.reopened} == gone
    assert all(f.is_open and f.first_seen == T0 and f.last_seen == back for f in reopened.reopened)
    assert reopened.new == reopened.fixed == ()
    assert reopened.is_new_snapshot  # the same content as an older snapshot, but not as the latest
    assert len(portfolio.snapshots(team_id, project_id)) == 3


def test_the_snapshot_keeps_every_component(portfolio: Portfolio, vulnerable_result: ScanResult) -> None:
    team_id, project_id = _project(portfolio)
    outcome = ingest(portfolio, project_id, vulnerable_result, T0)
    (snapshot,) = portfolio.snapshots(team_id, project_id)
    components = vulnerable_result.inventory.components
    assert snapshot.id == outcome.snapshot_id
    assert snapshot.component_count == len(components)
    assert snapshot.source_kind == "poetry.lock"
    assert snapshot.uploaded_at == T0
    assert snapshot.verdict_summary["findings"] == len({finding_key(f) for f in vulnerable_result.findings})
    stored = portfolio.components(team_id, snapshot.id)
    assert [
        (c.ecosystem, c.name, c.version, c.purl, c.scope, c.is_direct, c.source_path, c.health)
        for c in stored
    ] == [tuple(v for k, v in component_row(c).items() if k != "detail") for c in components]


def test_an_unknown_project_stores_nothing(portfolio: Portfolio, current_result: ScanResult) -> None:
    with pytest.raises(UnknownRecord, match="no project 999"):
        ingest(portfolio, 999, current_result, T0)
    assert _count(portfolio, snapshots) == 0


def test_a_hostile_purl_is_refused_before_anything_is_stored(
    portfolio: Portfolio, vulnerable_result: ScanResult
) -> None:
    _, project_id = _project(portfolio)
    first = vulnerable_result.findings[0]
    long = dataclasses.replace(first.component, purl=Purl("pkg:pypi/" + "a" * 2000 + "@1"))
    hostile = dataclasses.replace(
        vulnerable_result, findings=(*vulnerable_result.findings, dataclasses.replace(first, component=long))
    )
    with pytest.raises(InputError, match=r"findings.component_purl is longer than 1024 characters"):
        ingest(portfolio, project_id, hostile, T0)
    assert _count(portfolio, snapshots) == _count(portfolio, findings) == 0


def test_an_empty_result_fixes_everything(portfolio: Portfolio, vulnerable_result: ScanResult) -> None:
    team_id, project_id = _project(portfolio)
    ingest(portfolio, project_id, vulnerable_result, T0)
    empty = ScanResult(inventory=dataclasses.replace(vulnerable_result.inventory, components=()), findings=())
    outcome = ingest(portfolio, project_id, empty, T0 + timedelta(days=1))
    assert len(outcome.fixed) == len({finding_key(f) for f in vulnerable_result.findings})
    assert findings_of(portfolio, team_id, project_id) == ()
    assert portfolio.snapshots(team_id, project_id)[-1].component_count == 0


def test_concurrent_uploads_of_one_project_do_not_collide(
    portfolio: Portfolio, vulnerable_result: ScanResult
) -> None:
    team_id, project_id = _project(portfolio)
    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(lambda _: ingest(portfolio, project_id, vulnerable_result, T0), range(4)))
    assert len({o.snapshot_id for o in outcomes}) == 1
    assert sum(o.is_new_snapshot for o in outcomes) == 1
    assert sum(len(o.new) for o in outcomes) == len({finding_key(f) for f in vulnerable_result.findings})
    assert len(portfolio.snapshots(team_id, project_id)) == 1


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_any_sequence_of_uploads_keeps_a_true_history(
    portfolio: Portfolio, vulnerable_result: ScanResult, data: st.DataObject
) -> None:
    team = portfolio.create_team(f"team-{uuid.uuid4().hex}", now=T0)
    project_id = portfolio.create_project(team.id, "p", now=T0).id
    every = vulnerable_result.findings
    uploads = data.draw(st.lists(st.sets(st.sampled_from(range(len(every)))), min_size=1, max_size=5))
    first_seen: dict[FindingKey, datetime] = {}
    last_seen: dict[FindingKey, datetime] = {}
    for step, chosen in enumerate(uploads):
        now = T0 + timedelta(days=step)
        subset = tuple(every[i] for i in sorted(chosen))
        ingest(portfolio, project_id, dataclasses.replace(vulnerable_result, findings=subset), now)
        for key in {finding_key(f) for f in subset}:
            first_seen.setdefault(key, now)
            last_seen[key] = now
        assert {f.key for f in findings_of(portfolio, team.id, project_id)} == {
            finding_key(f) for f in subset
        }
    stored = {f.key: f for f in findings_of(portfolio, team.id, project_id, include_fixed=True)}
    assert stored.keys() == first_seen.keys()
    assert {k: f.first_seen for k, f in stored.items()} == first_seen
    assert {k: f.last_seen for k, f in stored.items()} == last_seen
