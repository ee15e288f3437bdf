"""`/api/v1/catalog`: the standards catalog, with the health of the caller's team's linked projects.

The catalog itself is organization-wide; the health is not. An implementation whose `project` names a
project of another team (or none at all) shows as unlinked, with null health: the answer is the same
whether or not such a project exists elsewhere. Standard ids contain spaces, dots and possibly slashes
(`ISO/IEC 23090-3`): clients URL-encode them (`/api/v1/catalog/ITU-T%20P.1203`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from osswatch.catalog.model import Role
from osswatch.catalog.store import CatalogStore
from osswatch.catalog.view import standard_json, view_catalog
from osswatch.web.auth import PortfolioDep, Viewer

router = APIRouter(prefix="/api/v1/catalog", tags=["catalog"])


class ImplementationOut(BaseModel):
    """An open-source project of a standard and, when linked to one of the team's projects, its health."""

    repository: str
    role: Role
    project: str | None
    name: str | None
    notes: str | None
    linked: bool
    """True when `project` names a project of the caller's team; every field below is null otherwise."""
    project_id: int | None
    snapshot_id: int | None
    uploaded_at: datetime | None
    verdict: Literal["passed", "failed"] | None
    open_findings: dict[str, int] | None
    total_libyears: float | None
    stale_share: float | None
    unmaintained_share: float | None


class StandardOut(BaseModel):
    """A standard and its implementations, in catalog order."""

    id: str
    title: str
    body: str
    number: str
    url: str
    implementations: list[ImplementationOut]


class CatalogOut(BaseModel):
    """Every standard of the catalog (empty until one is imported with `osswatch catalog import`)."""

    standards: list[StandardOut]


@router.get("")
def list_catalog(key: Viewer, portfolio: PortfolioDep) -> CatalogOut:
    """Every standard with its implementations and the health of the team's linked projects."""
    standards = CatalogStore(portfolio.engine).standards()
    views = view_catalog(portfolio, standards, team_id=key.team_id)
    return CatalogOut(standards=[StandardOut.model_validate(standard_json(view)) for view in views])


@router.get("/{standard_id:path}")
def show_standard(standard_id: str, key: Viewer, portfolio: PortfolioDep) -> StandardOut:
    """One standard by id (URL-encoded), with the health of the team's linked projects; 404 if unknown."""
    standard = CatalogStore(portfolio.engine).standard(standard_id)
    (view,) = view_catalog(portfolio, [standard], team_id=key.team_id)
    return StandardOut.model_validate(standard_json(view))
