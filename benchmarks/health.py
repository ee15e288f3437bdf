"""Health scan speed: a synthetic 1,000-component inventory against a local registry.

Run: `.venv/bin/python benchmarks/health.py [--components N] [--releases N]`.

Each component is a PyPI project whose JSON API document (20 releases, one file each, a day or
more apart) is made here and served by a real HTTP server on 127.0.0.1. Reports the cold scan (empty
SQLite cache: every document fetched, parsed and stored; target under 10 s) and the warm scan (all
answers fresh in the cache: no request at all; target under 1 s).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import tempfile
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from osswatch.health.scan import ScanSettings, scan_health
from osswatch.model import Component, EcosystemName, Location, Purl
from osswatch.store.database import open_database

START = datetime(2015, 1, 1, tzinfo=UTC)


def document(index: int, releases: int) -> bytes:
    """A PyPI JSON API document with `releases` versions."""
    files: dict[str, list[dict[str, Any]]] = {}
    for n in range(releases):
        when = START + timedelta(days=index % 97 + n * 45)
        files[f"{n // 10}.{n % 10}.0"] = [
            {
                "upload_time_iso_8601": when.isoformat().replace("+00:00", "Z"),
                "yanked": False,
                "filename": "x",
            }
        ]
    latest = list(files)[-1]
    info = {"version": latest, "project_urls": {"Source": f"https://github.com/example/pkg{index}"}}
    return json.dumps({"info": info, "releases": files}).encode()


def serve(bodies: dict[str, bytes], port: Any, count: Any) -> None:
    """A registry on a random port of 127.0.0.1, in its own process (as a real registry is)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with count.get_lock():
                count.value += 1
            body = bodies.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    Handler.protocol_version = "HTTP/1.1"  # keep-alive, as real registries do
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port.value = server.server_address[1]
    server.timeout = 0.5
    deadline = time.monotonic() + 600  # bounded: the server stops by itself
    while time.monotonic() < deadline and port.value > 0:
        server.handle_request()
    server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--components", type=int, default=1000)
    parser.add_argument("--releases", type=int, default=20)
    args = parser.parse_args()
    bodies = {f"/pypi/pkg{i}/json": document(i, args.releases) for i in range(args.components)}
    components = [
        Component(
            name=f"pkg{i}",
            version="0.3.0",
            ecosystem=EcosystemName("PyPI"),
            purl=Purl(f"pkg:pypi/pkg{i}@0.3.0"),
            location=Location(path="requirements.txt"),
        )
        for i in range(args.components)
    ]
    port, count = multiprocessing.Value("i", 0), multiprocessing.Value("i", 0)
    server = multiprocessing.Process(target=serve, args=(bodies, port, count), daemon=True)
    server.start()
    while port.value == 0:
        time.sleep(0.01)
    url = f"http://127.0.0.1:{port.value}"
    with tempfile.TemporaryDirectory() as folder:
        engine = open_database(f"sqlite:///{Path(folder) / 'bench.db'}")
        settings = ScanSettings(env={"OSSWATCH_PYPI_URL": url}, use_depsdev=False)
        for label in ("cold", "warm"):
            before = count.value
            started = time.perf_counter()
            scan = asyncio.run(scan_health(components, engine, settings))
            elapsed = time.perf_counter() - started
            known = sum(1 for r in scan.report.components if "unknown" not in r.health.status)
            target = 10.0 if label == "cold" else 1.0
            print(
                f"{label}: {elapsed:.2f} s for {len(components)} components "
                f"({count.value - before} requests, {known} assessed; target < {target:.0f} s)"
            )
        engine.dispose()
    port.value = -1
    server.join(timeout=5)


if __name__ == "__main__":
    main()
