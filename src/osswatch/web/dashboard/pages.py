"""Rendering dashboard pages: the Jinja2 environment, security headers, and the HTML answers to errors.

Templates autoescape everything; pages allow scripts, styles and images from the dashboard itself only
(`Content-Security-Policy`), so an advisory text can never run as script.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from osswatch import __version__
from osswatch.monitor.portfolio import UnknownRecord
from osswatch.web.dashboard.session import LoginRequired, Rejected, Session, login_url

HERE = Path(__file__).parent
STATIC = HERE / "static"
"""The dashboard's CSS and JavaScript, served under /static."""

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
"""Headers on every page: only our own scripts and styles, no framing, no caching of team data."""

templates = Jinja2Templates(directory=HERE / "templates")
templates.env.globals["version"] = __version__


def _when(moment: datetime | None) -> str:
    return "—" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def _day(moment: datetime | None) -> str:
    return "—" if moment is None else moment.strftime("%Y-%m-%d")


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


templates.env.filters.update(when=_when, day=_day, share=_share, number=_number)


def render(
    request: Request, name: str, context: dict[str, Any], *, session: Session | None, status: int = 200
) -> HTMLResponse:
    """The page `name` rendered with `context`, the session (for the header and CSRF token) and headers."""
    page = templates.TemplateResponse(
        request, name, {**context, "session": session}, status_code=status, headers=SECURITY_HEADERS
    )
    return page


class PageNotFound(Exception):
    """A page about something the team does not have: an HTML 404."""


def not_found(error: UnknownRecord) -> PageNotFound:
    """The page answer to an UnknownRecord (another team's row looks missing, as in the API)."""
    return PageNotFound(str(error))


async def login_required(request: Request, error: Exception) -> RedirectResponse:
    """Redirect a signed-out page request to the sign-in page, to come back afterwards."""
    assert isinstance(error, LoginRequired)
    return RedirectResponse(
        login_url(error.next_path), status_code=303, headers={"Cache-Control": "no-store"}
    )


async def page_error(request: Request, error: Exception) -> HTMLResponse:
    """An HTML error page for a rejected form (403) or a missing record (404)."""
    match error:
        case Rejected():
            status, message = error.status, error.message
        case _:
            status, message = 404, "There is no such page for your team."
    context = {"title": "Not found" if status == 404 else "Not allowed", "message": message}
    return render(request, "error.html", context, session=None, status=status)


__all__ = [
    "SECURITY_HEADERS",
    "STATIC",
    "PageNotFound",
    "login_required",
    "not_found",
    "page_error",
    "render",
    "templates",
]
