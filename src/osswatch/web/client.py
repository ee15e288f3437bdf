"""The portfolio server from the client side: find or create a project, upload files, list projects.

Used by `osswatch project …` in CI pipelines; needs only httpx (no server extras). Errors say which
side is at fault, so the CLI can exit 2 for what the caller must fix and 3 for what the server must:

    InputError (osswatch.errors)
    └── ServerRefused        the server answered 4xx: a bad key, role, project or file
    SourceUnavailable (osswatch.errors)
    └── ServerUnavailable    no answer (refused, timed out) or a 5xx: the URL is in the message
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from osswatch import __version__
from osswatch.errors import InputError, SourceUnavailable


class ServerRefused(InputError):
    """The server refused the request (4xx)."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)


class ServerUnavailable(SourceUnavailable):
    """The server could not be reached, did not answer in time, or failed (5xx)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class RemoteProject:
    """A project as the server lists it; `is_new` when this client just created it."""

    id: int
    name: str
    version: str | None
    tags: tuple[str, ...]
    is_new: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class UploadOutcome:
    """What the server recorded for one uploaded file."""

    path: str
    snapshot_id: int
    is_new_snapshot: bool
    kinds: tuple[str, ...]
    components: int
    findings: int
    new: int
    reopened: int
    fixed: int


class ServerClient:
    """A session with one osswatch server, authenticated by one API key."""

    def __init__(
        self, server: str, key: str, *, timeout: float, transport: httpx.BaseTransport | None = None
    ):
        self.server = server.rstrip("/")
        self._http = httpx.Client(
            base_url=self.server,
            headers={"Authorization": f"Bearer {key}", "User-Agent": f"osswatch/{__version__}"},
            timeout=timeout,
            transport=transport,
        )

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def __enter__(self) -> ServerClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def projects(self) -> tuple[RemoteProject, ...]:
        """The key's team's projects."""
        body = self._call("GET", "/api/v1/projects")
        return tuple(_project(item) for item in body["projects"])

    def ensure_project(self, name: str, *, version: str | None, tags: list[str]) -> RemoteProject:
        """The team's project of that name, created (with `version` and `tags`) if there is none."""
        found = next((p for p in self.projects() if p.name == name), None)
        if found is not None:
            return found
        try:
            body = self._call(
                "POST", "/api/v1/projects", json={"name": name, "version": version, "tags": tags}
            )
        except ServerRefused as e:
            if e.status != 409:
                raise
            # Another pipeline created it between our list and our create: use theirs.
            return next(p for p in self.projects() if p.name == name)
        created = _project(body)
        return RemoteProject(
            id=created.id, name=created.name, version=created.version, tags=created.tags, is_new=True
        )

    def upload(self, project_id: int, path: Path) -> UploadOutcome:
        """Upload one SBOM or lockfile as the project's newest snapshot."""
        try:
            data = path.read_bytes()
        except OSError as e:
            raise InputError(f"{path}: cannot read: {e.strerror or e}") from e
        body = self._call(
            "POST", f"/api/v1/projects/{project_id}/snapshots", files={"file": (path.name, data)}
        )
        return UploadOutcome(
            path=str(path),
            snapshot_id=body["snapshot_id"],
            is_new_snapshot=body["is_new_snapshot"],
            kinds=tuple(body["kinds"]),
            components=body["components"],
            findings=body["findings"],
            new=body["new"],
            reopened=body["reopened"],
            fixed=body["fixed"],
        )

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        url = f"{self.server}{path}"
        with _transport_errors(method, url):
            response = self._http.request(method, path, **kwargs)
        if response.status_code >= 500:
            raise ServerUnavailable(
                f"{method} {url}: the server failed ({response.status_code}): {_message(response)}"
            )
        if response.status_code == 401:
            raise ServerRefused(401, f"the server refused the API key (401): {_message(response)}")
        if response.status_code >= 400:
            raise ServerRefused(
                response.status_code, f"{method} {url}: {response.status_code} {_message(response)}"
            )
        try:
            return response.json()
        except ValueError as e:
            raise ServerUnavailable(
                f"{method} {url}: the answer is not JSON (is this an osswatch server?)"
            ) from e


@contextmanager
def _transport_errors(method: str, url: str) -> Iterator[None]:
    try:
        yield
    except httpx.TimeoutException as e:
        raise ServerUnavailable(f"{method} {url}: no answer in time ({type(e).__name__})") from e
    except httpx.HTTPError as e:
        raise ServerUnavailable(f"{method} {url}: cannot reach the osswatch server: {e}") from e


def _message(response: httpx.Response) -> str:
    """The message of our `{"error": {"code", "message"}}` body, or the start of whatever came back."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200].strip() or response.reason_phrase
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return str(error["message"])
    return response.text[:200].strip()


def _project(item: dict[str, Any]) -> RemoteProject:
    return RemoteProject(
        id=item["id"], name=item["name"], version=item.get("version"), tags=tuple(item["tags"])
    )


__all__ = ["RemoteProject", "ServerClient", "ServerRefused", "ServerUnavailable", "UploadOutcome"]
