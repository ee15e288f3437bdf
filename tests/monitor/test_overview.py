"""Portfolio overviews on both databases: each project's status, trends over time, vulnerability lookup."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, update

from osswatch.advisories.store import AdvisoryStore
from osswatch.errors import InputError
from osswatch.health.base import UNKNOWN, Behind, Health
from osswatch.model import Component, Inventory
from osswatch.monitor.analysis import Analyser, record_inventory
from osswatch.monitor.findings import findings_of
from osswatch.monitor.ingest import ingest, scanned_findings
from osswatch.monitor.overview import (
    SEVERITIES,
    by_severity,
    project_overviews,
    project_trend,
    project_trends,
    sample_times,
    trend_at,
    trends,
    vulnerability_projects,
)
from osswatch.monitor.portfolio import Portfolio
from osswatch.monitor.triage import Decision, TriageState, set_triage
from osswatch.policy.rules import baseline
from osswatch.scan import PolicySetup, ScanResult, judge
from osswatch.store.portfolio_tables import snapshots
from tests.monitor.conftest import T0

T1 = T0 + timedelta(days=30)
"""When project "alpha" upgrades numpy and its extra findings are fixed."""


def _health(total: float, stale: float = 0.25, unmaintained: float = 0.0) -> dict[str, object]:
    return {
        "total_libyears": total,
        "stale_share": stale,
        "unmaintained_share": unmaintained,
        "assessed": 10,
        "unknown": 0,
    }


def _set_health(portfolio: Portfolio, snapshot_id: int, health: dict[str, object]) -> None:
    with portfolio.writing() as connection:
        connection.execute(update(snapshots).where(snapshots.c.id == snapshot_id).values(health=health))


def _severities(result: ScanResult) -> Counter[str]:
    return Counter(values["severity"] for values in scanned_findings(result.findings).values())


@pytest.fixture
def history(
    portfolio: Portfolio, vulnerable_result: ScanResult, current_result: ScanResult
) -> dict[str, int]:
    """Team one: alpha (vulnerable at T0, fixed at T1), beta (vulnerable at T0, judged), gamma (no snapshot).

    Team two: delta (vulnerable at T0). Health: alpha 3.5 then 2.0 libyears, beta 1.25.
    """
    one = portfolio.create_team("one", now=T0).id
    two = portfolio.create_team("two", now=T0).id
    ids = {
        name: portfolio.create_project(team, name, now=T0, version="1.0", tags=["x"]).id
        for team, name in [(one, "alpha"), (one, "beta"), (one, "gamma"), (two, "delta")]
    }
    _set_health(portfolio, ingest(portfolio, ids["alpha"], vulnerable_result, T0).snapshot_id, _health(3.5))
    _set_health(portfolio, ingest(portfolio, ids["alpha"], current_result, T1).snapshot_id, _health(2.0))
    judged = judge(vulnerable_result, PolicySetup(policy=baseline()), now=T0)
    _set_health(portfolio, ingest(portfolio, ids["beta"], judged, T0).snapshot_id, _health(1.25, 0.5, 0.1))
    ingest(portfolio, ids["delta"], vulnerable_result, T0)
    return {**ids, "one": one, "two": two}


def test_overviews_show_each_projects_latest_snapshot(
    portfolio: Portfolio,
    history: dict[str, int],
    vulnerable_result: ScanResult,
    current_result: ScanResult,
) -> None:
    overviews = {o.name: o for o in project_overviews(portfolio, history["one"])}
    assert list(overviews) == ["alpha", "beta", "gamma"]
    alpha, beta, gamma = overviews["alpha"], overviews["beta"], overviews["gamma"]
    assert alpha.latest_snapshot_id == portfolio.snapshots(history["one"], alpha.id)[-1].id
    assert alpha.uploaded_at == T1
    assert alpha.components == len(current_result.inventory.components)
    assert alpha.open_by_severity == by_severity(_severities(current_result))
    assert (alpha.total_libyears, alpha.stale_share, alpha.passed) == (2.0, 0.25, None)
    judged = judge(vulnerable_result, PolicySetup(policy=baseline()), now=T0)
    assert judged.verdict is not None
    assert beta.passed is judged.verdict.is_passed
    assert beta.open_by_severity == by_severity(_severities(vulnerable_result))
    assert (beta.total_libyears, beta.stale_share, beta.unmaintained_share) == (1.25, 0.5, 0.1)
    assert (gamma.latest_snapshot_id, gamma.uploaded_at, gamma.components, gamma.passed) == (
        None,
        None,
        0,
        None,
    )
    assert gamma.total_libyears is None
    assert gamma.open_by_severity == dict.fromkeys(SEVERITIES, 0)
    assert (gamma.version, gamma.tags, gamma.team_id) == ("1.0", ("x",), history["one"])


def test_overviews_are_filtered_by_team_unless_every_team_is_asked(
    portfolio: Portfolio, history: dict[str, int]
) -> None:
    assert [o.name for o in project_overviews(portfolio, history["two"])] == ["delta"]
    assert [o.name for o in project_overviews(portfolio, None)] == ["alpha", "beta", "delta", "gamma"]
    assert project_overviews(portfolio, 999) == ()


def test_trends_count_findings_open_at_each_moment(
    portfolio: Portfolio,
    history: dict[str, int],
    vulnerable_result: ScanResult,
    current_result: ScanResult,
) -> None:
    start = T0 - timedelta(days=10)
    points = trends(portfolio, history["one"], start=start, end=T1 + timedelta(days=10), points=6)
    assert [p.at for p in points] == list(sample_times(start, T1 + timedelta(days=10), 6))
    vulnerable = _severities(vulnerable_result)
    current = _severities(current_result)
    for point in points:
        if point.at < T0:
            expected, libyears = Counter[str](), None
        elif point.at < T1:
            expected, libyears = vulnerable + vulnerable, 3.5 + 1.25
        else:
            expected, libyears = current + vulnerable, 2.0 + 1.25
        assert point.open_by_severity == by_severity(expected), point.at
        assert point.total_libyears == libyears
        assert point.mean_days_to_remediate == (30.0 if point.at >= T1 else None)
    # samples at -10, 0, 10, 20, 30 and 40 days from T0: every case above was visited
    assert [p.at < T0 for p in points].count(True) == 1
    assert [p.at >= T1 for p in points].count(True) == 2


def test_remediation_counts_only_findings_fixed_inside_the_window(
    portfolio: Portfolio, history: dict[str, int]
) -> None:
    after = trends(portfolio, history["one"], start=T1 + timedelta(days=1), end=T1 + timedelta(days=5))
    assert all(p.mean_days_to_remediate is None for p in after)
    assert len(after) == 12


def test_a_project_trend_is_the_projects_alone(
    portfolio: Portfolio, history: dict[str, int], current_result: ScanResult
) -> None:
    end = T1 + timedelta(days=1)
    (point,) = project_trend(portfolio, history["one"], history["alpha"], start=T0, end=end, points=1)
    assert point.at == end
    assert point.open_by_severity == by_severity(_severities(current_result))
    assert point.total_libyears == 2.0
    (hidden,) = project_trend(portfolio, history["two"], history["alpha"], start=T0, end=end, points=1)
    assert hidden.open_by_severity == dict.fromkeys(SEVERITIES, 0)
    assert (hidden.total_libyears, hidden.mean_days_to_remediate) == (None, None)


def test_a_vulnerability_is_found_by_id_and_by_alias_with_its_state(
    portfolio: Portfolio, history: dict[str, int]
) -> None:
    fixed = [
        f for f in findings_of(portfolio, history["one"], history["alpha"], include_fixed=True) if f.fixed_at
    ]
    target = next(f for f in fixed if f.aliases)
    beta_finding = next(
        f for f in findings_of(portfolio, history["one"], history["beta"]) if f.key == target.key
    )
    set_triage(
        portfolio,
        history["one"],
        beta_finding.id,
        Decision(state=TriageState.IN_TRIAGE, comment="looking", author="ann"),
        now=T1,
    )
    for query in (target.vulnerability_id, target.aliases[0]):
        uses = vulnerability_projects(portfolio, history["one"], query)
        assert [(u.project_name, u.state) for u in uses] == [("alpha", "fixed"), ("beta", "in_triage")]
        assert {u.component_purl for u in uses} == {target.component_purl}
    everyone = vulnerability_projects(portfolio, None, target.aliases[0])
    assert [(u.project_name, u.state) for u in everyone] == [
        ("alpha", "fixed"),
        ("beta", "in_triage"),
        ("delta", "open"),
    ]
    assert vulnerability_projects(portfolio, history["one"], target.aliases[0][:-1]) == ()
    assert vulnerability_projects(portfolio, history["one"], "%") == ()


@pytest.mark.parametrize(
    ("points", "days", "message"),
    [(0, 1, "at least one point"), (2, -1, "is before its start")],
    ids=["no-points", "reversed"],
)
def test_bad_windows_are_refused(points: int, days: int, message: str) -> None:
    with pytest.raises(InputError, match=message):
        sample_times(T0, T0 + timedelta(days=days), points)


def test_one_sample_is_the_end_and_several_span_the_window() -> None:
    assert sample_times(T0, T1, 1) == (T1,)
    assert sample_times(T0, T1, 4) == (T0, T0 + timedelta(days=10), T0 + timedelta(days=20), T1)


def test_overviews_as_of_a_past_moment(
    portfolio: Portfolio, history: dict[str, int], vulnerable_result: ScanResult
) -> None:
    overviews = {
        o.name: o for o in project_overviews(portfolio, history["one"], at=T1 - timedelta(seconds=1))
    }
    alpha = overviews["alpha"]
    assert (alpha.uploaded_at, alpha.total_libyears) == (T0, 3.5)
    assert alpha.open_by_severity == by_severity(_severities(vulnerable_result))
    before = project_overviews(portfolio, history["one"], at=T0 - timedelta(seconds=1))
    assert [(o.latest_snapshot_id, sum(o.open_by_severity.values())) for o in before] == [(None, 0)] * 3


def test_repeated_moments_are_counted_once(portfolio: Portfolio, history: dict[str, int]) -> None:
    once = trend_at(portfolio, history["one"], [T1], since=T0)
    twice = trend_at(portfolio, history["one"], [T1, T1], since=T0)
    assert twice == once + once
    assert trend_at(portfolio, history["one"], [], since=T0) == ()


@contextmanager
def _statements(portfolio: Portfolio) -> Iterator[list[str]]:
    """The queries (SELECTs, not transaction control) the portfolio's engine runs inside the block."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        if str(args[2]).lstrip().upper().startswith("SELECT"):
            seen.append(str(args[2]))

    event.listen(portfolio.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(portfolio.engine, "before_cursor_execute", record)


def test_project_trends_are_each_projects_trend_in_three_queries(
    portfolio: Portfolio, history: dict[str, int]
) -> None:
    one, start, end = history["one"], T0 - timedelta(days=10), T1 + timedelta(days=10)
    names = ["alpha", "beta", "gamma", "delta"]  # delta is team two's: empty figures for team one
    with _statements(portfolio) as few:
        (alone,) = project_trends(portfolio, one, [history["alpha"]], start=start, end=end, points=6).values()
    with _statements(portfolio) as many:
        grouped = project_trends(portfolio, one, [history[n] for n in names], start=start, end=end, points=6)
    assert len(many) == len(few) == 3
    for name in names:
        single = project_trend(portfolio, one, history[name], start=start, end=end, points=6)
        assert grouped[history[name]] == single, name
    assert alone == grouped[history["alpha"]]
    assert [p.total_libyears for p in alone] == [None, 3.5, 3.5, 3.5, 2.0, 2.0]
    assert [p.mean_days_to_remediate for p in alone][-2:] == [30.0, 30.0]
    assert sum(sum(p.open_by_severity.values()) for p in grouped[history["beta"]]) > 0
    for hidden in (grouped[history["gamma"]], grouped[history["delta"]]):
        assert all(p.total_libyears is None and not any(p.open_by_severity.values()) for p in hidden)
    assert project_trends(portfolio, one, [], start=start, end=end) == {}


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class _Registry:
    """A health assessor: every pinned component one libyear behind and stale, or (`is_empty`) none known."""

    is_empty: bool = False

    def __call__(self, components: Sequence[Component], now: datetime) -> Mapping[Component, Health]:
        if self.is_empty:  # an empty registry cache: every component is looked up, none is known
            return {c: UNKNOWN for c in components if c.is_pinned}
        health = Health(
            published=now - timedelta(days=400),
            latest="99.0",
            libyear=1.0,
            behind=Behind(major=1, releases=4),
            status=("outdated", "stale"),
        )
        return {c: health for c in components if c.is_pinned}


def test_health_nobody_assessed_is_unknown_not_zero(portfolio: Portfolio, lock_inventory: Inventory) -> None:
    team = portfolio.create_team("health", now=T0).id
    assessors = {"no-assessor": None, "empty-cache": _Registry(is_empty=True), "known": _Registry()}
    ids: dict[str, int] = {}
    for name, assessor in assessors.items():
        ids[name] = portfolio.create_project(team, name, now=T0).id
        analyser = Analyser(
            advisories=AdvisoryStore(portfolio.engine), policy=PolicySetup(policy=baseline()), health=assessor
        )
        record_inventory(portfolio, analyser, project_id=ids[name], inventory=lock_inventory, now=T0)
    stored = {name: portfolio.snapshots(team, ids[name])[0].health for name in ids}
    assert stored["no-assessor"] is None
    empty = stored["empty-cache"]
    assert empty is not None
    assert (empty["assessed"], empty["total_libyears"], empty["stale_share"]) == (0, 0.0, 0.0)

    pinned = sum(1 for c in lock_inventory.components if c.is_pinned)
    figures = {
        o.name: (o.total_libyears, o.stale_share, o.unmaintained_share)
        for o in project_overviews(portfolio, team)
    }
    assert figures == {
        "empty-cache": (None, None, None),
        "known": (pytest.approx(float(pinned)), 1.0, 0.0),
        "no-assessor": (None, None, None),
    }
    series = project_trends(portfolio, team, ids.values(), start=T0, end=T1, points=2)
    assert {name: series[ids[name]][-1].total_libyears for name in ids} == {
        "no-assessor": None,
        "empty-cache": None,
        "known": pytest.approx(float(pinned)),
    }
    (alone,) = trend_at(portfolio, team, [T1], since=T0, project_id=ids["empty-cache"])
    assert alone.total_libyears is None
