"""End to end: keys made by `admin`, a real uvicorn started by `serve`, spoken to with httpx."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.live_server import free_port, wait_ready
from tests.web.conftest import import_pypi


def _cli_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("OSSWATCH_")} | {
        "OSSWATCH_CONFIG": os.devnull
    }


def _admin(*args: str) -> str:
    code = "from osswatch.cli.admin_cmd import app; app()"
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=False,
        env=_cli_env(),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def server(database_url: str) -> Iterator[str]:
    """`serve` running on a random port of 127.0.0.1 over the database; its base URL."""
    port = free_port()
    code = "import typer; from osswatch.cli.serve_cmd import serve; typer.run(serve)"
    args = ["--host", "127.0.0.1", "--port", str(port), "--database-url", database_url]
    process = subprocess.Popen([sys.executable, "-c", code, *args], env=_cli_env(), stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        assert process.stderr is not None
        process.stderr.close()


def test_upload_over_real_http(server: str, database_url: str, shared_data: Path) -> None:
    import_pypi(database_url, shared_data)
    _admin("create-team", "acme", "--database-url", database_url)
    key = _admin(
        "create-key", "--team", "acme", "--role", "admin", "--database-url", database_url
    ).splitlines()[-1]
    lockfile = shared_data / "lockfiles" / "itu-p1203" / "poetry.lock"
    with httpx.Client(base_url=server, headers={"X-Api-Key": key}, timeout=60) as client:
        assert httpx.get(f"{server}/api/v1/projects").status_code == 401
        project_id = client.post("/api/v1/projects", json={"name": "itu-p1203"}).json()["id"]
        with lockfile.open("rb") as stream:
            uploaded = client.post(
                f"/api/v1/projects/{project_id}/snapshots", files={"file": ("poetry.lock", stream)}
            )
        assert uploaded.status_code == 201, uploaded.text
        found = client.get(f"/api/v1/projects/{project_id}/findings").json()["findings"]
    assert len(found) == uploaded.json()["findings"]
    assert ("PYSEC-2022-42969", "py") in {(f["vulnerability"]["id"], f["component"]["name"]) for f in found}


def test_create_key_for_unknown_team_fails(tmp_path: Path) -> None:
    code = "from osswatch.cli.admin_cmd import app; app()"
    url = f"sqlite:///{tmp_path / 'o.db'}"
    args = ["create-key", "--team", "nobody", "--role", "viewer", "--database-url", url]
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False, env=_cli_env()
    )
    assert done.returncode != 0
    assert "nobody" in done.stderr + done.stdout
