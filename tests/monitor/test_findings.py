"""The finding lifecycle plan (a Hypothesis property) and time to remediate on both databases."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osswatch.model import Purl
from osswatch.monitor.findings import (
    FindingKey,
    StoredFinding,
    component_purl,
    finding,
    plan_changes,
    time_to_remediate,
)
from osswatch.monitor.ingest import ingest
from osswatch.monitor.portfolio import Portfolio, UnknownRecord
from osswatch.scan import ScanResult
from tests.monitor.conftest import T0

_keys = st.tuples(st.sampled_from(["V-1", "V-2", "V-3"]), st.sampled_from(["pkg:pypi/a@1", "pkg:pypi/b@2"]))


@given(st.dictionaries(_keys, st.booleans()), st.sets(_keys))
def test_the_plan_leaves_exactly_the_scanned_findings_open(
    stored_open: dict[FindingKey, bool], scanned: set[FindingKey]
) -> None:
    stored = {key: (number, is_open) for number, (key, is_open) in enumerate(stored_open.items())}
    plan = plan_changes(stored, scanned)
    ids = {number: key for key, (number, _) in stored.items()}
    is_open = {key: state for key, (_, state) in stored.items()}
    for number in plan.fixed:
        is_open[ids[number]] = False
    for number in plan.seen:
        is_open[ids[number]] = True
    is_open.update(dict.fromkeys(plan.new, True))
    assert {key for key, state in is_open.items() if state} == scanned
    assert set(plan.reopened) <= set(plan.seen)
    assert all(not stored[ids[n]][1] for n in plan.reopened)
    assert all(stored[ids[n]][1] for n in plan.fixed)
    assert not set(plan.new) & stored.keys()


def test_a_component_without_a_purl_gets_one(vulnerable_result: ScanResult) -> None:
    item = vulnerable_result.findings[0]
    bare = dataclasses.replace(item, component=dataclasses.replace(item.component, purl=None))
    assert (
        component_purl(bare)
        == item.component.purl
        == Purl(f"pkg:pypi/{item.component.name}@{item.component.version}")
    )


def test_time_to_remediate_per_finding_and_mean_per_severity(
    portfolio: Portfolio, vulnerable_result: ScanResult, current_result: ScanResult
) -> None:
    audio = portfolio.create_team("audio", now=T0)
    video = portfolio.create_team("video", now=T0)
    fast = portfolio.create_project(audio.id, "fast", now=T0)
    slow = portfolio.create_project(audio.id, "slow", now=T0)
    other = portfolio.create_project(video.id, "other", now=T0)
    fixed: list[StoredFinding] = []
    for project, days in ((fast, 2.5), (slow, 7.25), (other, 1.0)):
        ingest(portfolio, project.id, vulnerable_result, T0 + timedelta(hours=1))
        outcome = ingest(portfolio, project.id, current_result, T0 + timedelta(hours=1, days=days))
        if project is not other:
            fixed.extend(outcome.fixed)

    report = time_to_remediate(portfolio, audio.id)
    expected = {f.id: f.fixed_at - f.first_seen for f in fixed if f.fixed_at is not None}
    got = {r.finding_id: r.duration for r in report.findings}
    assert got.keys() == expected.keys()
    assert all(abs(got[i] - expected[i]) < timedelta(milliseconds=1) for i in expected)
    by_severity: dict[str, list[timedelta]] = defaultdict(list)
    for f in fixed:
        by_severity[f.severity].append(expected[f.id])
    assert report.mean_by_severity.keys() == by_severity.keys()
    for severity, durations in by_severity.items():
        mean = sum(durations, timedelta()) / len(durations)
        assert abs(report.mean_by_severity[severity] - mean) < timedelta(milliseconds=1)


def test_open_findings_have_no_time_to_remediate_yet(
    portfolio: Portfolio, vulnerable_result: ScanResult
) -> None:
    team = portfolio.create_team("audio", now=T0)
    project = portfolio.create_project(team.id, "p", now=T0)
    ingest(portfolio, project.id, vulnerable_result, T0)
    report = time_to_remediate(portfolio, team.id)
    assert report.findings == ()
    assert report.mean_by_severity == {}


def test_a_finding_of_another_team_is_unknown(portfolio: Portfolio, current_result: ScanResult) -> None:
    audio = portfolio.create_team("audio", now=T0)
    video = portfolio.create_team("video", now=T0)
    project = portfolio.create_project(audio.id, "p", now=T0)
    (new, *_) = ingest(portfolio, project.id, current_result, T0).new
    assert finding(portfolio, audio.id, new.id) == new
    with pytest.raises(UnknownRecord, match=f"no finding {new.id} in team {video.id}"):
        finding(portfolio, video.id, new.id)
