"""The dashboard's sign-in: an API key in an HttpOnly cookie, a CSRF token derived from it, an Origin check.

Decisions (docs/dashboard.md):
- The cookie holds the API key itself, not a signed session. A key is already a bearer credential that the
  server verifies on every API request, so keeping it in a cookie adds no new secret, needs no server-side
  signing key shared between `serve` processes, and a revoked key ends its browser sessions at once. The
  cookie is HttpOnly (no script can read it), SameSite=Strict (no cross-site request carries it), Secure
  when the page is served over https, and lives for `SESSION_SECONDS`. It is never logged: it is read from
  the cookie header only and never put in a URL.
- Every state-changing form (triage, sign-out) carries a CSRF token: HMAC-SHA256 of a fixed label under
  the key, so it is tied to the session and can be checked without storing anything. On top, every
  dashboard POST must come from the dashboard's own origin (`Origin`, else `Referer`, when the browser
  sends one), which also covers the sign-in form, where no session exists yet.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request
from starlette.responses import Response

from osswatch.monitor.records import ApiKey, Role
from osswatch.web.auth import RANK, portfolio_of

COOKIE = "osswatch_key"
"""The cookie holding the signed-in API key."""

SESSION_SECONDS = 12 * 3600
"""How long a browser stays signed in before it must present the key again."""

_CSRF_LABEL = b"osswatch dashboard csrf v1"


class LoginRequired(Exception):
    """A page needs a signed-in key and the request has none: answered with a redirect to /login."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class Rejected(Exception):
    """A dashboard form post that fails the CSRF token or Origin check, or comes from a too-low role."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True, kw_only=True, slots=True)
class Session:
    """The signed-in key and the CSRF token its forms carry."""

    key: ApiKey
    csrf_token: str

    @property
    def is_editor(self) -> bool:
        """True when the key may triage (editor or admin)."""
        return RANK[self.key.role] >= RANK[Role.EDITOR]


def csrf_token(plaintext: str) -> str:
    """The CSRF token of a session: an HMAC of a fixed label keyed by the session's API key."""
    return hmac.new(plaintext.encode(), _CSRF_LABEL, hashlib.sha256).hexdigest()


def is_secure(request: Request) -> bool:
    """True when the request came over https (uvicorn applies `X-Forwarded-Proto` from trusted proxies)."""
    return request.url.scheme == "https"


def sign_in(response: Response, request: Request, plaintext: str) -> None:
    """Set the session cookie holding `plaintext` on `response`."""
    response.set_cookie(
        COOKIE,
        plaintext,
        max_age=SESSION_SECONDS,
        path="/",
        httponly=True,
        samesite="strict",
        secure=is_secure(request),
    )


def sign_out(response: Response, request: Request) -> None:
    """Clear the session cookie."""
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict", secure=is_secure(request))


def local_path(candidate: str | None) -> str:
    """`candidate` when it is a path of this site (no scheme, no host), else `/`: no open redirects."""
    if not candidate or not candidate.startswith("/") or candidate.startswith("//") or "\\" in candidate:
        return "/"
    parts = urlsplit(candidate)
    return candidate if not parts.scheme and not parts.netloc else "/"


def session(request: Request) -> Session:
    """The request's session; LoginRequired (a redirect to /login) when the cookie is missing or stale."""
    plaintext = request.cookies.get(COOKIE)
    key = portfolio_of(request).authenticate(plaintext) if plaintext else None
    if plaintext is None or key is None:
        query = f"?{request.url.query}" if request.url.query else ""
        raise LoginRequired(request.url.path + query)
    return Session(key=key, csrf_token=csrf_token(plaintext))


def check_origin(request: Request) -> None:
    """Rejected (403) when a browser says the post comes from another origin than the dashboard's."""
    claimed = request.headers.get("origin") or request.headers.get("referer")
    if claimed is None:
        return  # not a browser: cross-site forgery needs one, and every browser sends Origin on POST
    parts = urlsplit(claimed)
    own = f"{request.url.scheme}://{request.url.netloc}"
    if f"{parts.scheme}://{parts.netloc}" != own:
        raise Rejected(403, "this form must be posted from the dashboard itself")


def check_form(request: Request, current: Session, token: str) -> None:
    """Rejected (403) unless the post is same-origin and carries the session's CSRF token."""
    check_origin(request)
    if not hmac.compare_digest(token.encode(), current.csrf_token.encode()):
        raise Rejected(403, "the form is stale or was not made by this session: reload the page")


def login_url(next_path: str) -> str:
    """The sign-in page, coming back to `next_path` afterwards."""
    return "/login" if next_path == "/" else f"/login?next={quote(next_path, safe='/')}"


SessionDep = Annotated[Session, Depends(session)]
"""The signed-in session of a dashboard page."""

__all__ = [
    "COOKIE",
    "SESSION_SECONDS",
    "LoginRequired",
    "Rejected",
    "Session",
    "SessionDep",
    "check_form",
    "check_origin",
    "csrf_token",
    "is_secure",
    "local_path",
    "login_url",
    "session",
    "sign_in",
    "sign_out",
]
