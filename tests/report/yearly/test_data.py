"""The yearly report's figures, gathered from a year of real history on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from osswatch.errors import InputError
from osswatch.monitor.ingest import scanned_findings
from osswatch.monitor.portfolio import Portfolio
from osswatch.policy.rules import baseline
from osswatch.report.yearly.data import gather
from osswatch.report.yearly.period import parse_period
from osswatch.scan import PolicySetup, ScanResult, judge
from osswatch.store.database import open_database
from tests.report.yearly.conftest import FEB, MAY, History

NOW = datetime(2027, 1, 5, tzinfo=UTC)


def _keys(result: ScanResult) -> set[tuple[str, str]]:
    return set(scanned_findings(result.findings))


def test_the_summary_counts_the_teams_year(history: History) -> None:
    report = gather(history.portfolio, parse_period("2026"), team_id=history.team_id, now=NOW)
    vulnerable, current = _keys(history.vulnerable), _keys(history.current)
    summary = report.summary
    assert (report.team, summary.projects) == ("secretariat", 3)
    # itu-p1203 found the vulnerable set in February and what is new in the current set in May; acapy the
    # current set in January; legacy's findings date from the year before
    assert summary.findings.found == len(vulnerable) + len(current - vulnerable) + len(current)
    assert summary.findings.fixed == len(vulnerable - current)
    assert summary.findings.still_open == len(current) * 2 + len(vulnerable)
    days = (MAY - FEB).total_seconds() / 86400
    assert summary.findings.mean_days == pytest.approx(days)
    assert summary.findings.median_days == pytest.approx(days)
    verdict = judge(history.current, PolicySetup(policy=baseline()), now=MAY).verdict
    assert verdict is not None
    assert (summary.judged, summary.passed) == (1, int(verdict.is_passed))
    assert (summary.libyears_start, summary.libyears_end) == (4.0, 7.5)
    assert summary.libyears_change == pytest.approx(3.5)


def test_projects_and_severities_add_up_to_the_summary(history: History) -> None:
    report = gather(history.portfolio, parse_period("2026"), team_id=history.team_id, now=NOW)
    assert [(p.end.name, p.team) for p in report.projects] == [
        ("acapy", "secretariat"),
        ("itu-p1203", "secretariat"),
        ("legacy", "secretariat"),
    ]
    for field in ("found", "fixed", "still_open"):
        total = getattr(report.summary.findings, field)
        assert sum(getattr(p.findings, field) for p in report.projects) == total
        assert sum(getattr(s, field) for s in report.severities.values()) == total
    legacy = report.projects[2]
    assert (legacy.findings.found, legacy.libyears_start, legacy.end.total_libyears) == (0, 4.0, 4.0)
    assert list(report.severities)[:5] == ["critical", "high", "medium", "low", "unknown"]


def test_months_follow_the_history(history: History) -> None:
    report = gather(history.portfolio, parse_period("2026"), team_id=history.team_id, now=NOW)
    assert [m.at.month for m in report.months] == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 1]
    vulnerable, current = len(_keys(history.vulnerable)), len(_keys(history.current))
    totals = [sum(m.open_by_severity.values()) for m in report.months]
    assert totals[:2] == [vulnerable + current, vulnerable * 2 + current]  # itu-p1203 came on 1 February
    assert totals[-1] == current * 2 + vulnerable
    assert [m.total_libyears for m in report.months][:5] == [5.5, 9.0, 9.0, 9.0, 7.5]


def test_a_period_range_and_every_team(history: History) -> None:
    report = gather(history.portfolio, parse_period("2026-01-01..2026-03-31"), team_id=None, now=NOW)
    assert report.team is None
    assert [(p.end.name, p.team) for p in report.projects][-1] == ("other", "elsewhere")
    assert report.summary.findings.fixed == 0  # the May upgrade is after the range
    assert report.summary.libyears_end == 4.0 + 1.5 + 3.5 + 9.0
    assert len(report.months) == 3


def test_the_catalog_links_the_monitored_projects(history: History) -> None:
    report = gather(history.portfolio, parse_period("2026"), team_id=history.team_id, now=NOW)
    p1203 = next(v for v in report.catalog if v.standard.id == "ITU-T P.1203")
    (item,) = p1203.implementations
    assert item.health is not None
    assert item.health.total_libyears == 2.0


def test_an_empty_portfolio_says_there_is_nothing_to_report(database_url: str) -> None:
    engine = open_database(database_url)
    try:
        with pytest.raises(InputError, match="nothing to report: no project of the portfolio has a snapshot"):
            gather(Portfolio(engine), parse_period("2026"), team_id=None, now=NOW)
    finally:
        engine.dispose()


def test_a_year_before_any_upload_is_empty_too(history: History) -> None:
    with pytest.raises(InputError, match="no project of this team has a snapshot uploaded before 2025-01-01"):
        gather(history.portfolio, parse_period("2024"), team_id=history.team_id, now=NOW)
