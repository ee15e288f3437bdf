"""A real registry on 127.0.0.1: routes of recorded answers, ETags, scripted failures, a request log."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.store_fixtures import database_url

__all__ = ["Registry", "database_url"]

ASSETS = Path(__file__).resolve().parent.parent / "assets" / "health"


@dataclass
class Registry:
    """Paths → bodies served over HTTP; `failures[path]` lists statuses to answer first."""

    url: str = ""
    routes: dict[str, bytes] = field(default_factory=dict)
    failures: dict[str, list[int]] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    conditional: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, path: str, body: bytes | str) -> None:
        """Serve `body` at `path`."""
        self.routes[path] = body.encode() if isinstance(body, str) else body

    def count(self, path: str) -> int:
        """How many times `path` was requested."""
        return self.requests.count(path)


def _handler(registry: Registry) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path
            with registry.lock:
                registry.requests.append(path)
                failures = registry.failures.get(path)
                status = failures.pop(0) if failures else None
            if status is not None:
                self._send(status, b'{"error": "scripted"}', registry.headers.get(path, {}))
                return
            body = registry.routes.get(path)
            if body is None:
                self._send(404, b'{"errors": [{"detail": "Not Found"}]}', {})
                return
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                registry.conditional.append(path)
                self._send(304, b"", {"ETag": etag})
                return
            self._send(200, body, {"ETag": etag, "Content-Type": "application/json"})

        def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def registry() -> Iterator[Registry]:
    """An empty registry on a random port of 127.0.0.1; add routes in the test."""
    served = Registry()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(served))
    served.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
