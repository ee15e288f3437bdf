"""The server's errors and the one handler that turns every error into `{"error": {"code", "message"}}`.

    OsswatchError
    ├── Unauthenticated   no key, or a key that does not authenticate: 401
    ├── Forbidden         a key whose role is too low for the route: 403
    └── InputError
        └── TooLarge      an upload over the size limit: 413

The monitor's own errors map too: UnknownRecord → 404 (another team's row looks missing), Conflict → 409,
ParseError / UnsupportedInput / TriageRejected → 422, any other InputError → 400, StoreError → 503.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from osswatch.errors import InputError, OsswatchError, ParseError, StoreError, UnsupportedInput
from osswatch.monitor.portfolio import Conflict, UnknownRecord
from osswatch.monitor.triage import TriageRejected


class Unauthenticated(OsswatchError):
    """The request carries no API key, or one that does not authenticate."""


class Forbidden(OsswatchError):
    """The key's role does not allow this route."""


class TooLarge(InputError):
    """The request body is over the upload limit."""


_STATUS: tuple[tuple[type[Exception], int, str], ...] = (
    (Unauthenticated, 401, "unauthenticated"),
    (Forbidden, 403, "forbidden"),
    (UnknownRecord, 404, "not_found"),
    (Conflict, 409, "conflict"),
    (TooLarge, 413, "too_large"),
    (ParseError, 422, "unprocessable"),
    (UnsupportedInput, 422, "unprocessable"),
    (TriageRejected, 422, "unprocessable"),
    (InputError, 400, "bad_request"),
    (StoreError, 503, "unavailable"),
    (RequestValidationError, 422, "invalid_request"),
)
"""Error type → (status, code), most specific first: the first type the error is an instance of wins."""


def status_of(error: Exception) -> tuple[int, str]:
    """The HTTP status and error code of an error."""
    if isinstance(error, HTTPException):
        return error.status_code, "http_error"
    for error_type, status, code in _STATUS:
        if isinstance(error, error_type):
            return status, code
    return 500, "internal"


def message_of(error: Exception) -> str:
    """A message for the client: the error's own text, or the validation errors' locations and messages."""
    match error:
        case RequestValidationError():
            return "; ".join(
                f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}" for item in error.errors()
            )
        case HTTPException():
            return str(error.detail)
        case _:
            return str(error)


async def handle_error(_request: Request, error: Exception) -> JSONResponse:
    """The one exception handler: every error as `{"error": {"code", "message"}}` with its status."""
    status, code = status_of(error)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    body = {"error": {"code": code, "message": message_of(error)}}
    return JSONResponse(body, status_code=status, headers=headers)


HANDLED: tuple[type[Exception], ...] = (OsswatchError, RequestValidationError, HTTPException)
"""The exception types `handle_error` is registered for."""


class ErrorDetail(BaseModel):
    """What went wrong: a stable code and a message for people."""

    code: str
    message: str


class ErrorOut(BaseModel):
    """The body of every error response."""

    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": description}
    for status, description in (
        (400, "Bad request"),
        (401, "No API key, or one that does not authenticate"),
        (403, "The key's role is too low"),
        (404, "No such record for the caller's team"),
        (409, "The name is taken"),
        (413, "The upload is too large"),
        (422, "Invalid parameters, body or file"),
        (503, "The database cannot be reached"),
    )
}
"""The error responses of every route, for the OpenAPI document (they replace FastAPI's own 422)."""

__all__ = [
    "ERROR_RESPONSES",
    "HANDLED",
    "ErrorDetail",
    "ErrorOut",
    "Forbidden",
    "TooLarge",
    "Unauthenticated",
    "handle_error",
    "message_of",
    "status_of",
]
