"""Everything the yearly report shows, gathered from the portfolio into one typed `YearlyReport` record.

The figures are as of the period: findings found (`first_seen`) and fixed (`fixed_at`) inside it, findings
still open at its end, each project's latest snapshot at its end (policy verdict, libyears, shares) and at
its start (libyears), and the month-end trend. A few grouped queries cover the whole portfolio; nothing here
renders. The standards catalog shows each implementation's project as it stands now (`catalog.view`).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from osswatch.catalog.store import CatalogStore
from osswatch.catalog.view import StandardView, view_catalog
from osswatch.errors import InputError
from osswatch.monitor.findings import seconds_between
from osswatch.monitor.overview import ProjectOverview, TrendPoint, by_severity, project_overviews, trend_at
from osswatch.monitor.portfolio import Portfolio, maybe_utc, to_utc
from osswatch.report.yearly.period import Period
from osswatch.store.portfolio_tables import findings, projects, teams


@dataclass(frozen=True, kw_only=True, slots=True)
class Remediation:
    """Findings found, fixed and still open in the period, and how long the fixed ones took (in days)."""

    found: int
    fixed: int
    still_open: int
    mean_days: float | None
    median_days: float | None


@dataclass(frozen=True, kw_only=True, slots=True)
class Summary:
    """The one-page summary."""

    projects: int
    """Projects watched: those with a snapshot uploaded by the end of the period."""
    findings: Remediation
    judged: int
    """Projects whose latest snapshot was judged by a policy."""
    passed: int
    libyears_start: float | None
    libyears_end: float | None

    @property
    def compliance_share(self) -> float | None:
        """The share of judged projects whose policy passed; None when none was judged."""
        return None if not self.judged else self.passed / self.judged

    @property
    def libyears_change(self) -> float | None:
        """Total libyears at the end minus at the start (None unless both are known)."""
        if self.libyears_start is None or self.libyears_end is None:
            return None
        return self.libyears_end - self.libyears_start


@dataclass(frozen=True, kw_only=True, slots=True)
class ProjectYear:
    """One project over the period: where it ended, where it started, what was found and fixed."""

    team: str
    end: ProjectOverview
    """The project as of the period's end (latest snapshot then, findings open then)."""
    libyears_start: float | None
    findings: Remediation


@dataclass(frozen=True, kw_only=True, slots=True)
class YearlyReport:
    """The whole report's data."""

    period: Period
    team: str | None
    """The team reported on; None for every team."""
    generated_at: datetime
    summary: Summary
    severities: Mapping[str, Remediation]
    projects: tuple[ProjectYear, ...]
    """Projects with a snapshot by the period's end, by name."""
    months: tuple[TrendPoint, ...]
    """At each month's end (the first moment of the next month)."""
    catalog: tuple[StandardView, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class _Finding:
    project_id: int
    severity: str
    first_seen: datetime
    fixed_at: datetime | None
    days: float | None


def gather(portfolio: Portfolio, period: Period, *, team_id: int | None, now: datetime) -> YearlyReport:
    """The report of the team's projects (every team's when None); InputError when there is none."""
    at_end = {o.id: o for o in project_overviews(portfolio, team_id, at=period.end) if o.latest_snapshot_id}
    if not at_end:
        scope = "the portfolio" if team_id is None else "this team"
        raise InputError(
            f"nothing to report: no project of {scope} has a snapshot uploaded before {period.end.date()} "
            "(upload inventories with the API first)"
        )
    at_start = {o.id: o for o in project_overviews(portfolio, team_id, at=period.start)}
    rows = _findings_in(portfolio, period, team_id)
    by_project: dict[int, list[_Finding]] = defaultdict(list)
    by_level: dict[str, list[_Finding]] = defaultdict(list)
    for row in rows:
        by_project[row.project_id].append(row)
        by_level[row.severity].append(row)
    names = _team_names(portfolio)
    years = tuple(
        ProjectYear(
            team=names[overview.team_id],
            end=overview,
            libyears_start=at_start[project_id].total_libyears,
            findings=_remediation(by_project[project_id], period),
        )
        for project_id, overview in at_end.items()
    )
    return YearlyReport(
        period=period,
        team=None if team_id is None else names[team_id],
        generated_at=to_utc(now),
        summary=_summary(years, _remediation(rows, period)),
        severities={level: _remediation(by_level[level], period) for level in by_severity(_sizes(by_level))},
        projects=years,
        months=trend_at(portfolio, team_id, period.month_ends(), since=period.start),
        catalog=view_catalog(portfolio, CatalogStore(portfolio.engine).standards(), team_id=team_id),
    )


def _remediation(rows: Sequence[_Finding], period: Period) -> Remediation:
    """Found, fixed and still-open counts of `rows` within the period, with mean and median days to fix."""
    days = [row.days for row in rows if row.days is not None and _within(row.fixed_at, period)]
    return Remediation(
        found=sum(1 for row in rows if _within(row.first_seen, period)),
        fixed=len(days),
        still_open=sum(1 for row in rows if row.fixed_at is None or row.fixed_at >= period.end),
        mean_days=statistics.fmean(days) if days else None,
        median_days=statistics.median(days) if days else None,
    )


def _sizes(groups: Mapping[str, Sequence[_Finding]]) -> dict[str, int]:
    return {key: len(rows) for key, rows in groups.items()}


def _within(moment: datetime | None, period: Period) -> bool:
    return moment is not None and period.start <= moment < period.end


def _summary(years: Sequence[ProjectYear], totals: Remediation) -> Summary:
    judged = [year.end.passed for year in years if year.end.passed is not None]
    return Summary(
        projects=len(years),
        findings=totals,
        judged=len(judged),
        passed=sum(judged),
        libyears_start=_total(year.libyears_start for year in years),
        libyears_end=_total(year.end.total_libyears for year in years),
    )


def _total(values: Iterable[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return round(sum(known), 2) if known else None


def _findings_in(portfolio: Portfolio, period: Period, team_id: int | None) -> list[_Finding]:
    """The findings open at some moment of the period (found before its end, not fixed before its start)."""
    with portfolio.reading() as connection:
        elapsed = seconds_between(connection.dialect.name, findings.c.first_seen, findings.c.fixed_at)
        query = (
            select(findings.c.project_id, findings.c.severity, findings.c.first_seen, findings.c.fixed_at)
            .add_columns(elapsed)
            .join(projects, projects.c.id == findings.c.project_id)
            .where(
                findings.c.first_seen < period.end,
                or_(findings.c.fixed_at.is_(None), findings.c.fixed_at >= period.start),
            )
        )
        if team_id is not None:
            query = query.where(projects.c.team_id == team_id)
        rows = connection.execute(query).all()
    return [
        _Finding(
            project_id=project_id,
            severity=severity,
            first_seen=to_utc(first_seen),
            fixed_at=maybe_utc(fixed_at),
            days=None if seconds is None else float(seconds) / 86400.0,
        )
        for project_id, severity, first_seen, fixed_at, seconds in rows
    ]


def _team_names(portfolio: Portfolio) -> dict[int, str]:
    with portfolio.reading() as connection:
        return {row.id: row.name for row in connection.execute(select(teams.c.id, teams.c.name))}


__all__ = ["ProjectYear", "Remediation", "Summary", "YearlyReport", "gather"]
