"""`/healthz` (the process answers) and `/readyz` (the database answers): no key needed."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from osswatch.web.auth import PortfolioDep

router = APIRouter()


class Status(BaseModel):
    """A probe's answer."""

    status: str


@router.get("/healthz")
def healthz() -> Status:
    """The process is up."""
    return Status(status="ok")


@router.get("/readyz")
def readyz(portfolio: PortfolioDep) -> Status:
    """The database can be reached (StoreError → 503 otherwise)."""
    with portfolio.reading() as connection:
        connection.execute(text("SELECT 1"))
    return Status(status="ready")
