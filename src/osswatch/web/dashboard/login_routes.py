"""`/login` and `/logout`: exchanging an API key for the session cookie, and dropping it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from osswatch.web.auth import portfolio_of
from osswatch.web.dashboard.pages import render
from osswatch.web.dashboard.session import (
    SessionDep,
    check_form,
    check_origin,
    local_path,
    sign_in,
    sign_out,
)

router = APIRouter(include_in_schema=False)


@router.get("/login")
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    """The sign-in form."""
    return render(request, "login.html", {"next": local_path(next), "error": None}, session=None)


@router.post("/login", response_model=None)
def login(request: Request, key: Annotated[str, Form()], next: Annotated[str, Form()] = "/") -> Response:
    """Check the key; on success set the session cookie and go on to `next` (a local path only)."""
    check_origin(request)
    plaintext = key.strip()
    if not plaintext or portfolio_of(request).authenticate(plaintext) is None:
        context = {
            "next": local_path(next),
            "error": "That API key is not valid (unknown, mistyped or revoked).",
        }
        return render(request, "login.html", context, session=None, status=401)
    response = RedirectResponse(local_path(next), status_code=303)
    sign_in(response, request, plaintext)
    return response


@router.post("/logout")
def logout(request: Request, current: SessionDep, csrf: Annotated[str, Form()]) -> RedirectResponse:
    """Clear the session cookie (a form post with the session's CSRF token)."""
    check_form(request, current, csrf)
    response = RedirectResponse("/login", status_code=303)
    sign_out(response, request)
    return response


__all__ = ["router"]
