"""`/projects/{id}`: one project's findings by severity, components with health, verdict, history; triage.

Triage is a plain form post to this router (`/projects/{id}/findings/{finding}/triage`), which calls the
same `osswatch.monitor.triage.set_triage` as `POST /api/v1/findings/{id}/triage`: it works without
JavaScript, and the API's key-only authentication stays as it is (docs/dashboard.md says why).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from osswatch.monitor.findings import finding, findings_of
from osswatch.monitor.overview import assessed_health, project_trend
from osswatch.monitor.portfolio import UnknownRecord
from osswatch.monitor.project_state import open_severities, snapshot_history
from osswatch.monitor.triage import (
    Decision,
    Justification,
    TriageRejected,
    TriageState,
    current_triage,
    set_triage,
)
from osswatch.web.auth import portfolio_of
from osswatch.web.dashboard.charts import sparkline
from osswatch.web.dashboard.pages import not_found, render
from osswatch.web.dashboard.session import Rejected, Session, SessionDep, check_form
from osswatch.web.dashboard.views import by_severity, health_libyear, health_statuses, rule_results

router = APIRouter(include_in_schema=False)

HISTORY_LIMIT = 50
"""Snapshots listed in a project's history (newest first)."""

TREND_DAYS = 90
"""How far back a project's sparkline reaches."""


@router.get("/projects/{project_id}")
def project_page(request: Request, project_id: int, current: SessionDep, fixed: bool = False) -> HTMLResponse:
    """The project page (fixed findings too with `?fixed=true`)."""
    return _render_project(request, current, project_id, include_fixed=fixed)


@router.post("/projects/{project_id}/findings/{finding_id}/triage", response_model=None)
def triage_form(
    request: Request,
    *,
    project_id: int,
    finding_id: int,
    current: SessionDep,
    state: Annotated[str, Form()],
    comment: Annotated[str, Form()],
    csrf: Annotated[str, Form()],
    justification: Annotated[str, Form()] = "",
    expires: Annotated[str, Form()] = "",
) -> Response:
    """Record a triage decision (editors), then go back to the finding on the project page."""
    check_form(request, current, csrf)
    if not current.is_editor:
        raise Rejected(403, f"triage needs the editor role; your key is {current.key.role.value}")
    portfolio = portfolio_of(request)
    try:
        if finding(portfolio, current.key.team_id, finding_id).project_id != project_id:
            raise UnknownRecord(f"no finding {finding_id} in project {project_id}")
        decision = _decision(state, comment, justification, expires, author=current.key.name)
        set_triage(portfolio, current.key.team_id, finding_id, decision, now=datetime.now(UTC))
    except UnknownRecord as e:
        raise not_found(e) from e
    except TriageRejected as e:
        notice = {"finding_id": finding_id, "error": str(e)}
        return _render_project(request, current, project_id, include_fixed=False, notice=notice, status=422)
    url = f"/projects/{project_id}?triaged={finding_id}#finding-{finding_id}"
    return RedirectResponse(url, status_code=303)


def _decision(state: str, comment: str, justification: str, expires: str, *, author: str) -> Decision:
    try:
        chosen = TriageState(state)
        why = Justification(justification) if justification else None
        until = datetime.combine(date.fromisoformat(expires), time(23, 59, 59), UTC) if expires else None
    except ValueError as e:
        raise TriageRejected(f"not a valid triage form: {e}") from e
    return Decision(state=chosen, comment=comment, author=author, justification=why, expires=until)


def _render_project(
    request: Request,
    current: Session,
    project_id: int,
    *,
    include_fixed: bool,
    notice: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    portfolio = portfolio_of(request)
    team_id = current.key.team_id
    try:
        project = portfolio.project(team_id, project_id)
        count, history = snapshot_history(portfolio, team_id, project_id, limit=HISTORY_LIMIT, offset=0)
    except UnknownRecord as e:
        raise not_found(e) from e
    latest = history[0] if history else None
    items = findings_of(portfolio, team_id, project_id, include_fixed=include_fixed)
    now = datetime.now(UTC)
    trend = project_trend(portfolio, team_id, project_id, start=now - timedelta(days=TREND_DAYS), end=now)
    totals = [float(sum(point.open_by_severity.values())) for point in trend]
    context = {
        "project": project,
        "latest": latest,
        "history": history,
        "history_count": count,
        "open": open_severities(portfolio, team_id, project_id),
        "groups": by_severity(items, current_triage(portfolio, team_id, project_id)),
        "include_fixed": include_fixed,
        "components": portfolio.components(team_id, latest.id) if latest else (),
        "health": assessed_health(latest.health if latest else None),
        "rules": rule_results(latest.verdict if latest else None),
        "trend": sparkline(totals, label=f"open findings over the last {TREND_DAYS} days"),
        "states": [s.value for s in TriageState],
        "justifications": [j.value for j in Justification],
        "notice": notice,
        "triaged": request.query_params.get("triaged"),
        "health_statuses": health_statuses,
        "health_libyear": health_libyear,
    }
    return render(request, "project.html", context, session=current, status=status)


__all__ = ["router"]
