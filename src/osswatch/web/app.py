"""The FastAPI app: the portfolio and advisory store of one database, the routers, one error handler.

Advisories are only read here (offline): syncing them is the job of `osswatch db sync` or a worker, never
of a request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from osswatch import __version__
from osswatch.advisories.store import AdvisoryStore
from osswatch.monitor.analysis import server_analyser
from osswatch.monitor.jobs import server_context
from osswatch.monitor.portfolio import Portfolio
from osswatch.monitor.queue import open_queue
from osswatch.monitor.schedule import Schedule, scheduling
from osswatch.settings import osv_url
from osswatch.store.database import open_database
from osswatch.web import dashboard
from osswatch.web.errors import ERROR_RESPONSES, HANDLED, handle_error
from osswatch.web.routes import (
    catalog,
    findings,
    health,
    jobs,
    notifications,
    portfolio,
    project_state,
    projects,
    snapshots,
    vex,
)


def create_app(
    database_url: str,
    *,
    policy_path: Path | None = None,
    queue_url: str | None = None,
    schedule: Schedule | None = None,
) -> FastAPI:
    """The server over the database at `database_url` (migrated to the current schema first).

    Uploads are judged by the policy file at `policy_path` (the built-in baseline without one). Jobs run
    in-process, or on workers when `queue_url` names a Redis server; `schedule` runs the scheduler here.
    """
    engine = open_database(database_url)
    queue = open_queue(
        queue_url, Portfolio(engine), server_context(engine, policy_path=policy_path, osv_url=osv_url())
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        with scheduling(queue, schedule):
            yield
        queue.close()
        engine.dispose()

    app = FastAPI(
        title="osswatch",
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
        lifespan=lifespan,
        responses=ERROR_RESPONSES,
    )
    app.state.portfolio = Portfolio(engine)
    app.state.advisories = AdvisoryStore(engine)
    app.state.analyser = server_analyser(engine, policy_path=policy_path)
    app.state.queue = queue
    for error_type in HANDLED:
        app.add_exception_handler(error_type, handle_error)
    for module in (health, projects, snapshots, findings, project_state, portfolio, vex, catalog):
        app.include_router(module.router)
    app.include_router(notifications.router)
    app.include_router(jobs.router)
    dashboard.mount(app)
    return app


__all__ = ["create_app"]
