"""End to end as CI uses it: `osswatch serve`, keys from `osswatch admin`, `osswatch project upload`.

Every step is a real process (`python -m osswatch …`) over one database (SQLite file or PostgreSQL schema);
the findings are then read back through the API with httpx.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.live_server import free_port, wait_ready
from tests.web.conftest import import_pypi


def _env(**extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OSSWATCH_")}
    return clean | {"OSSWATCH_CONFIG": os.devnull} | extra


def osswatch(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m osswatch ARGS…` run to its end."""
    return subprocess.run(
        [sys.executable, "-m", "osswatch", *args],
        capture_output=True,
        text=True,
        check=False,
        env=_env(**env),
        timeout=300,
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class Server:
    """A running server, its database and two keys of team `acme`."""

    url: str
    database_url: str
    editor: str
    viewer: str


def _key(database_url: str, role: str) -> str:
    done = osswatch("admin", "create-key", "--team", "acme", "--role", role, "--database-url", database_url)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()[-1]


@pytest.fixture
def server(database_url: str, shared_data: Path) -> Iterator[Server]:
    """`osswatch serve` on a free port of 127.0.0.1 over a database with the real PyPI advisories."""
    import_pypi(database_url, shared_data)
    created = osswatch("admin", "create-team", "acme", "--database-url", database_url)
    assert created.returncode == 0, created.stderr
    port = free_port()
    args = ["serve", "--host", "127.0.0.1", "--port", str(port), "--database-url", database_url]
    process = subprocess.Popen(
        [sys.executable, "-m", "osswatch", *args], env=_env(), stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process)
        yield Server(
            url=url,
            database_url=database_url,
            editor=_key(database_url, "editor"),
            viewer=_key(database_url, "viewer"),
        )
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_upload_from_ci(server: Server, lockfile: Path, vulnerable_lockfile: Path) -> None:
    env = {"OSSWATCH_SERVER": server.url, "OSSWATCH_API_KEY": server.editor}
    first = osswatch("project", "upload", "--project", "itu-p1203", "--tag", "ci", str(lockfile), **env)
    assert first.returncode == 0, first.stderr
    line = first.stdout.strip()
    assert line.startswith(f"{lockfile}: ")
    assert "(id 1, created)" in line

    done = osswatch(
        "project",
        "upload",
        "--project",
        "itu-p1203",
        "--format",
        "json",
        str(lockfile),
        str(vulnerable_lockfile),
        **env,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["project"]["name"] == "itu-p1203"
    assert not report["project"]["is_new"]
    same, vulnerable = report["uploads"]
    assert not same["is_new_snapshot"]
    assert vulnerable["is_new_snapshot"]
    assert vulnerable["new"] == vulnerable["findings"] - same["findings"] > 0

    with httpx.Client(base_url=server.url, headers={"X-Api-Key": server.viewer}) as client:
        project_id = report["project"]["id"]
        found = client.get(f"/api/v1/projects/{project_id}/findings").json()["findings"]
        detail = client.get(f"/api/v1/projects/{project_id}").json()
        affected = client.get("/api/v1/vulnerabilities/PYSEC-2022-42969/projects").json()
    assert len(found) == vulnerable["findings"]
    assert {f["component"]["name"] for f in found} == {"py", "numpy"}
    assert detail["tags"] == ["ci"]
    assert detail["latest"]["snapshot_id"] == vulnerable["snapshot_id"]
    assert [p["name"] for p in affected["projects"]] == ["itu-p1203"]

    listed = osswatch("project", "list", "--server", server.url, "--key", server.viewer)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == [f"{project_id}\titu-p1203 [ci]"]


def test_client_errors_exit_2(server: Server, lockfile: Path, tmp_path: Path) -> None:
    bad_key = osswatch("project", "list", "--server", server.url, "--key", "osw_000000000000_nope")
    assert bad_key.returncode == 2
    assert "the server refused the API key (401)" in bad_key.stderr
    viewer = osswatch(
        "project", "upload", "--server", server.url, "--key", server.viewer, "--project", "x", str(lockfile)
    )
    assert viewer.returncode == 2
    assert "403" in viewer.stderr
    missing = osswatch(
        "project", "upload", "--server", server.url, "--key", server.editor, "--project", "x", "nope.lock"
    )
    assert (missing.returncode, "not a file: nope.lock" in missing.stderr) == (2, True)
    notes = tmp_path / "notes.txt"
    notes.write_text("not an inventory\n")
    unreadable = osswatch(
        "project", "upload", "--server", server.url, "--key", server.editor, "--project", "x", str(notes)
    )
    assert unreadable.returncode == 2
    assert "notes.txt: not a kind of file osswatch reads" in unreadable.stderr


def test_unreachable_server_exits_3(lockfile: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    done = osswatch(
        "project", "upload", "--server", url, "--key", "k", "--project", "x", "--timeout", "5", str(lockfile)
    )
    assert done.returncode == 3
    assert f"{url}/api/v1/projects" in done.stderr
    assert "cannot reach" in done.stderr
