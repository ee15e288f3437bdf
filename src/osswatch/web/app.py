"""The FastAPI app: the portfolio and advisory store of one database, the routers, one error handler.

Advisories are only read here (offline): syncing them is the job of `osswatch db sync` or a worker, never
of a request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from osswatch import __version__
from osswatch.advisories.store import AdvisoryStore
from osswatch.monitor.portfolio import Portfolio
from osswatch.store.database import open_database
from osswatch.web.errors import HANDLED, handle_error
from osswatch.web.routes import findings, health, projects, snapshots


def create_app(database_url: str) -> FastAPI:
    """The server over the database at `database_url` (migrated to the current schema first)."""
    engine = open_database(database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        title="osswatch",
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.portfolio = Portfolio(engine)
    app.state.advisories = AdvisoryStore(engine)
    for error_type in HANDLED:
        app.add_exception_handler(error_type, handle_error)
    for module in (health, projects, snapshots, findings):
        app.include_router(module.router)
    return app


__all__ = ["create_app"]
