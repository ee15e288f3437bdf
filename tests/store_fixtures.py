"""Fixtures for database and OSV-mirror tests: every store test runs on SQLite and on PostgreSQL.

`database_url` gives a fresh SQLite file, or a fresh schema on the PostgreSQL test server (selected
through `search_path`, so parallel runs never see each other's tables). `osv_mirror` is a real HTTP
server on 127.0.0.1 serving a folder in the OSV bucket layout, recording every request.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import psycopg
import pytest

POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
"""The PostgreSQL test server (trust auth)."""


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
    ids=["sqlite", "postgresql"],
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A SQLAlchemy URL of an empty database: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'osswatch.db'}"
        return
    schema = f"test_{uuid.uuid4().hex}"
    with psycopg.connect(POSTGRES, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


@dataclass
class OsvMirror:
    """A folder served over HTTP in the OSV bucket layout, with a log of the paths requested."""

    root: Path
    url: str = ""
    requests: list[str] = field(default_factory=list)
    truncate: dict[str, int] = field(default_factory=dict)
    """Path → how many more times to cut its body in half (a connection dropped mid-download)."""

    def requested(self, suffix: str) -> list[str]:
        """The requests whose path ends with `suffix`."""
        return [path for path in self.requests if path.endswith(suffix)]


def _handler(mirror: OsvMirror) -> type[SimpleHTTPRequestHandler]:
    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(mirror.root), **kwargs)

        def do_GET(self) -> None:
            path = unquote(self.path)
            mirror.requests.append(path)
            if mirror.truncate.get(path, 0) > 0:
                mirror.truncate[path] -= 1
                self._send_truncated(path)
                return
            super().do_GET()

        def _send_truncated(self, path: str) -> None:
            data = (mirror.root / path.lstrip("/")).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.close_connection = True

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def osv_mirror(tmp_path: Path) -> Iterator[OsvMirror]:
    """An empty mirror folder served on a random port of 127.0.0.1; fill `root` in the test."""
    root = tmp_path / "mirror"
    root.mkdir()
    mirror = OsvMirror(root=root)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(mirror))
    mirror.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield mirror
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
