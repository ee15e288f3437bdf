"""`/catalog` and `/catalog/{standard}`: standards, their open-source implementations, and how those do.

Which project an implementation links to comes from `osswatch.catalog.view.view_catalog` for the signed-in
team only: one that names another team's project shows as unlinked, exactly like one naming none. A
linked project's figures are those of the portfolio page (`monitor.overview.project_overviews`), so the
two pages always agree, unknown health included.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from osswatch.catalog.model import Implementation, Standard
from osswatch.catalog.store import CatalogStore, UnknownStandard
from osswatch.catalog.view import StandardView, view_catalog
from osswatch.monitor.overview import ProjectOverview, project_overviews
from osswatch.web.auth import portfolio_of
from osswatch.web.dashboard.pages import not_found, render
from osswatch.web.dashboard.session import Session, SessionDep

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, kw_only=True, slots=True)
class ImplementationRow:
    """An implementation and, when it links to a project of the team, that project's overview."""

    implementation: Implementation
    project: ProjectOverview | None


@dataclass(frozen=True, kw_only=True, slots=True)
class StandardRows:
    """A standard and the rows of its implementations, in catalog order."""

    standard: Standard
    rows: tuple[ImplementationRow, ...]


@router.get("/catalog")
def catalog_page(request: Request, current: SessionDep) -> HTMLResponse:
    """Every standard of the catalog with its implementations and their linked projects."""
    standards = CatalogStore(portfolio_of(request).engine).standards()
    return _render(request, current, standards, single=False)


@router.get("/catalog/{standard_id:path}")
def standard_page(request: Request, standard_id: str, current: SessionDep) -> HTMLResponse:
    """One standard (its id URL-encoded: ids hold spaces, dots and slashes); 404 when unknown."""
    try:
        standard = CatalogStore(portfolio_of(request).engine).standard(standard_id)
    except UnknownStandard as e:
        raise not_found(e) from e
    return _render(request, current, [standard], single=True)


def standard_rows(view: StandardView, projects: Mapping[int, ProjectOverview]) -> StandardRows:
    """A standard's rows, each linked project's overview taken from `projects` (the team's, by id).

    A link to a project not in `projects` shows as unlinked, so only the team's own figures ever appear.
    """
    rows = tuple(
        ImplementationRow(
            implementation=item.implementation,
            project=None if item.health is None else projects.get(item.health.project_id),
        )
        for item in view.implementations
    )
    return StandardRows(standard=view.standard, rows=rows)


def _render(
    request: Request, current: Session, standards: Sequence[Standard], *, single: bool
) -> HTMLResponse:
    portfolio = portfolio_of(request)
    team_id = current.key.team_id
    projects = {overview.id: overview for overview in project_overviews(portfolio, team_id)}
    views = view_catalog(portfolio, standards, team_id=team_id)
    context = {
        "standards": [standard_rows(view, projects) for view in views],
        "single": single,
    }
    return render(request, "catalog.html", context, session=current)


__all__ = ["ImplementationRow", "StandardRows", "router", "standard_rows"]
