"""Reading an uploaded inventory file: a raw body or one multipart file, under a size limit.

The body is read in chunks and refused as soon as it passes the limit, so a huge upload never sits in
memory; a multipart body is then parsed from the bytes already read (its envelope gets a little slack).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.types import Message

from osswatch.errors import InputError
from osswatch.web.errors import TooLarge

MAX_UPLOAD = 20 * 1024 * 1024
"""Largest inventory file accepted (20 MiB)."""

_ENVELOPE = 64 * 1024
"""Room for the multipart boundaries and headers around the file."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Upload:
    """One uploaded file: its base name (empty when the client gave none) and its bytes."""

    filename: str
    data: bytes


async def read_upload(request: Request, filename: str | None, limit: int = MAX_UPLOAD) -> Upload:
    """The file of the request; TooLarge over `limit`, InputError for a multipart body with no file."""
    is_multipart = request.headers.get("content-type", "").startswith("multipart/form-data")
    body = await _read_body(request, limit + _ENVELOPE if is_multipart else limit)
    if not is_multipart:
        return Upload(filename=base_name(filename or ""), data=body)
    part_name, data = await _multipart_file(request, body)
    if len(data) > limit:
        raise TooLarge(f"the file is over the {limit} byte limit")
    return Upload(filename=base_name(filename or part_name), data=data)


def base_name(name: str) -> str:
    """The last part of a client's file name, whatever separators it used."""
    return PurePosixPath(name.replace("\\", "/")).name


async def _read_body(request: Request, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"the request body is over the {limit} byte limit")
        chunks.append(chunk)
    return b"".join(chunks)


async def _multipart_file(request: Request, body: bytes) -> tuple[str, bytes]:
    async def replay() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    # The form spools file parts to temporary files: the context closes them.
    async with Request(request.scope, replay).form(max_files=1, max_fields=16) as form:
        files = [value for _, value in form.multi_items() if isinstance(value, UploadFile)]
        if len(files) != 1:
            raise InputError("a multipart upload needs exactly one file part")
        return files[0].filename or "", await files[0].read()


__all__ = ["MAX_UPLOAD", "Upload", "base_name", "read_upload"]
