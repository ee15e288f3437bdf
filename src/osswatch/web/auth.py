"""API keys on requests: `Authorization: Bearer <key>` or `X-Api-Key: <key>`, and the role each route needs.

Roles are ordered viewer < editor < admin; a route needing `editor` admits editors and admins.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from osswatch.monitor.portfolio import Portfolio
from osswatch.monitor.records import ApiKey, Role
from osswatch.web.errors import Forbidden, Unauthenticated

RANK = {Role.VIEWER: 0, Role.EDITOR: 1, Role.ADMIN: 2}
"""How much each role may do; a higher rank includes every lower one."""


def presented_key(request: Request) -> str | None:
    """The key the request carries, from `Authorization: Bearer` or `X-Api-Key`, or None."""
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return request.headers.get("x-api-key") or None


def portfolio_of(request: Request) -> Portfolio:
    """The portfolio the app serves."""
    portfolio: Portfolio = request.app.state.portfolio
    return portfolio


def caller(request: Request) -> ApiKey:
    """The live key of the request; Unauthenticated if there is none or it does not authenticate."""
    plaintext = presented_key(request)
    if plaintext is None:
        raise Unauthenticated("an API key is needed: send `Authorization: Bearer <key>` or `X-Api-Key`")
    key = portfolio_of(request).authenticate(plaintext)
    if key is None:
        raise Unauthenticated("the API key is not valid (unknown, malformed or revoked)")
    return key


def requiring(role: Role) -> Callable[[ApiKey], ApiKey]:
    """A dependency admitting keys of `role` or higher; Forbidden for lower ones."""

    def check(key: Annotated[ApiKey, Depends(caller)]) -> ApiKey:
        if RANK[key.role] < RANK[role]:
            raise Forbidden(f"this needs the {role.value} role; the key is {key.role.value}")
        return key

    return check


Viewer = Annotated[ApiKey, Depends(requiring(Role.VIEWER))]
"""Any live key."""
Editor = Annotated[ApiKey, Depends(requiring(Role.EDITOR))]
"""An editor or admin key."""
PortfolioDep = Annotated[Portfolio, Depends(portfolio_of)]
"""The portfolio the app serves."""

__all__ = ["RANK", "Editor", "PortfolioDep", "Viewer", "caller", "portfolio_of", "presented_key", "requiring"]
