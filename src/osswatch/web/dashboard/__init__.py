"""The web dashboard: server-rendered pages over the portfolio, signed in with an API key (docs/dashboard.md).

`mount(app)` adds the pages, the static files (CSS and one small script, shipped in this package and
served from `/static`: nothing comes from a CDN) and the handlers that turn a missing session into a
redirect to `/login` and a refused form or missing record into an HTML error page.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from osswatch.web.dashboard import catalog_routes, login_routes, portfolio_routes, project_routes
from osswatch.web.dashboard.pages import STATIC, PageNotFound, login_required, page_error
from osswatch.web.dashboard.session import LoginRequired, Rejected


def mount(app: FastAPI) -> None:
    """Add the dashboard's routes, static files and error pages to `app`."""
    for module in (login_routes, portfolio_routes, project_routes, catalog_routes):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(LoginRequired, login_required)
    app.add_exception_handler(Rejected, page_error)
    app.add_exception_handler(PageNotFound, page_error)


__all__ = ["mount"]
