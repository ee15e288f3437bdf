"""`/` (the team's portfolio), `/search`, `/vulnerabilities/{id}` and `/trends`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from osswatch.advisories.store import AdvisoryStore
from osswatch.monitor.overview import (
    SEVERITIES,
    project_overviews,
    project_trends,
    trends,
    vulnerability_projects,
)
from osswatch.web.auth import portfolio_of
from osswatch.web.dashboard.charts import line_chart, sparkline
from osswatch.web.dashboard.packages import package_uses
from osswatch.web.dashboard.pages import render
from osswatch.web.dashboard.session import SessionDep
from osswatch.web.dashboard.views import SORT_KEYS, filter_projects, is_vulnerability_id, sort_projects

router = APIRouter(include_in_schema=False)

SPARK_DAYS, SPARK_POINTS = 90, 8
"""The portfolio sparklines: open findings at this many moments over this many days."""

TREND_WINDOWS = (30, 90, 365)
"""The windows (days) the trends page offers."""


@router.get("/")
def portfolio_page(
    request: Request,
    current: SessionDep,
    sort: str = "name",
    dir: str = "",
    q: str = "",
) -> HTMLResponse:
    """Every project of the team with verdict, open findings by severity, health and a trend line."""
    portfolio = portfolio_of(request)
    team_id = current.key.team_id
    everything = project_overviews(portfolio, team_id)
    rows = sort_projects(filter_projects(everything, q), sort, dir)
    now = datetime.now(UTC)
    start = now - timedelta(days=SPARK_DAYS)
    series = project_trends(
        portfolio, team_id, [row.id for row in rows], start=start, end=now, points=SPARK_POINTS
    )
    sparks = {
        row.id: sparkline(
            [float(sum(p.open_by_severity.values())) for p in series[row.id]],
            label=f"{row.name}: open findings over {SPARK_DAYS} days",
        )
        for row in rows
    }
    context = {
        "rows": rows,
        "total": len(everything),
        "sparks": sparks,
        "sort": sort if sort in SORT_KEYS else "name",
        "dir": dir,
        "q": q,
        "severities": SEVERITIES,
    }
    return render(request, "portfolio.html", context, session=current)


@router.get("/search", response_model=None)
def search(request: Request, current: SessionDep, q: str = "") -> Response:
    """A vulnerability id goes to its page; anything else lists the team's projects using that package."""
    text = q.strip()
    if text and is_vulnerability_id(text):
        return RedirectResponse(f"/vulnerabilities/{quote(text, safe='')}", status_code=303)
    uses = package_uses(portfolio_of(request), current.key.team_id, text) if text else ()
    return render(request, "search.html", {"q": text, "uses": uses}, session=current)


@router.get("/vulnerabilities/{vulnerability_id}")
def vulnerability_page(request: Request, vulnerability_id: str, current: SessionDep) -> HTMLResponse:
    """Every project and version of the team that a vulnerability (by id or alias) affects or affected."""
    uses = vulnerability_projects(portfolio_of(request), current.key.team_id, vulnerability_id)
    advisories: AdvisoryStore = request.app.state.advisories
    # An alias (a CVE id) has no record of its own: show the record the findings came from.
    known = [vulnerability_id, *dict.fromkeys(use.vulnerability_id for use in uses)]
    advisory = next((found for ident in known if (found := advisories.get(ident)) is not None), None)
    context = {"vulnerability_id": vulnerability_id, "advisory": advisory, "uses": uses}
    return render(request, "vulnerability.html", context, session=current)


@router.get("/trends")
def trends_page(request: Request, current: SessionDep, days: int = 90) -> HTMLResponse:
    """Open findings by severity, mean time to remediate and total libyears over a window."""
    window = days if days in TREND_WINDOWS else 90
    now = datetime.now(UTC)
    points = trends(portfolio_of(request), current.key.team_id, start=now - timedelta(days=window), end=now)
    labels = [p.at.strftime("%m-%d") for p in points]
    context: dict[str, Any] = {
        "points": points,
        "window": window,
        "windows": TREND_WINDOWS,
        "severities": SEVERITIES,
        "open_chart": line_chart(
            {s: [float(p.open_by_severity.get(s, 0)) for p in points] for s in SEVERITIES},
            labels,
            title=f"Open findings by severity over {window} days",
            unit="findings",
        ),
        "remediation_chart": line_chart(
            {"mean days": [p.mean_days_to_remediate for p in points]},
            labels,
            title=f"Mean days to remediate over {window} days",
            unit="days",
        ),
        "libyears_chart": line_chart(
            {"libyears": [p.total_libyears for p in points]},
            labels,
            title=f"Total libyears over {window} days",
            unit="libyears",
        ),
    }
    return render(request, "trends.html", context, session=current)


__all__ = ["router"]
