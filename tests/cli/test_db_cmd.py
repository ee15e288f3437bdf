"""`osswatch db`: sync, import, status and upgrade, and a sync killed mid-transaction (SIGKILL)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from osswatch.advisories.sources import Mirror
from osswatch.advisories.store import AdvisoryStore
from osswatch.advisories.sync import sync_ecosystem
from osswatch.cli.db_cmd import app
from osswatch.errors import InputError
from osswatch.store.database import create_database_engine, current_revision, head_revision
from osswatch.store.schema import advisories, affected_packages, aliases
from tests.store_fixtures import POSTGRES, OsvMirror

ASSETS = Path(__file__).resolve().parent.parent / "assets" / "advisories"

# The real `main`, with its exit-code mapping, in a child process.
_CLI = "from osswatch.cli.app import main; main()"


def _invoke(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), catch_exceptions=True)


def _count(url: str) -> int:
    with AdvisoryStore.open(url) as store, store.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(advisories)) or 0


def test_import_folder_then_status(database_url: str) -> None:
    result = _invoke("import", str(ASSETS), "--database-url", database_url, "--format", "json")
    assert result.exit_code == 0, result.output
    (summary,) = json.loads(result.stdout)["synced"]
    assert (summary["added"], summary["withdrawn"], summary["skipped"]) == (3, 1, 0)
    result = _invoke("status", "--database-url", database_url, "--format", "json")
    rows = {row["ecosystem"]: row for row in json.loads(result.stdout)["ecosystems"]}
    assert sorted(rows) == ["Go", "PyPI", "crates.io"]
    assert rows["crates.io"]["withdrawn"] == 1
    assert rows["PyPI"]["source"] == ASSETS.as_uri()
    assert rows["PyPI"]["newest_modified"] is None  # loose files: the next sync fetches the archive
    assert 0 <= rows["PyPI"]["age_seconds"] < 300
    table = _invoke("status", "--database-url", database_url)
    assert "PyPI" in table.stdout
    assert "crates.io" in table.stdout


def test_import_one_yaml_file_and_a_real_archive(database_url: str, shared_data: Path) -> None:
    result = _invoke("import", str(ASSETS / "RUSTSEC-test-0002.yaml"), "--database-url", database_url)
    assert result.exit_code == 0, result.output
    archive = shared_data / "osv" / "crates.io" / "all.zip"
    with zipfile.ZipFile(archive) as opened:
        members = sum(name.endswith(".json") for name in opened.namelist())
    result = _invoke("import", str(archive), "--database-url", database_url, "--format", "json")
    assert json.loads(result.stdout)["synced"][0]["ecosystem"] == "crates.io"
    # The archive is the whole of crates.io: the YAML record it lacks was removed.
    assert json.loads(result.stdout)["synced"][0]["removed"] == 1
    assert _count(database_url) == members


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"", "empty.json"),
        (b"{", "truncated.json"),
        (b"id: [", "broken.yaml"),
        (b"a: &x 1\nb: *x\n", "alias.yaml"),
    ],
    ids=["empty", "truncated", "broken-yaml", "yaml-alias"],
)
def test_import_skips_bad_files(database_url: str, tmp_path: Path, content: bytes, name: str) -> None:
    (tmp_path / name).write_bytes(content)
    shutil.copy(ASSETS / "GO-test-0003.json", tmp_path)
    result = _invoke("import", str(tmp_path), "--database-url", database_url, "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)["synced"][0]
    assert (summary["added"], summary["skipped"]) == (1, 1)


def test_import_of_a_missing_path_is_an_input_error(database_url: str, tmp_path: Path) -> None:
    result = _invoke("import", str(tmp_path / "nothing"), "--database-url", database_url)
    assert isinstance(result.exception, InputError)


def test_sync_over_http_and_resync_of_known_ecosystems(
    database_url: str, osv_mirror: OsvMirror, shared_data: Path
) -> None:
    shutil.copytree(shared_data / "osv" / "crates.io", osv_mirror.root / "crates.io")
    args = ("--database-url", database_url, "--osv-url", osv_mirror.url, "--format", "json")
    first = _invoke("sync", "CRATES.IO", *args)
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["synced"][0]["mode"] == "full"
    again = _invoke("sync", *args)  # no names: the ecosystems already synced
    assert json.loads(again.stdout)["synced"][0]["mode"] == "incremental"
    assert osv_mirror.requests[-1] == "/crates.io/modified_id.csv"


def test_sync_without_names_on_an_empty_database(database_url: str) -> None:
    result = _invoke("sync", "--database-url", database_url)
    assert isinstance(result.exception, InputError)
    assert "name the ecosystems" in str(result.exception)


def test_upgrade_is_idempotent(database_url: str) -> None:
    engine = create_database_engine(database_url)
    try:
        assert current_revision(engine) is None
        for _ in range(2):
            result = _invoke("upgrade", "--database-url", database_url)
            assert result.exit_code == 0, result.output
            assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_empty_status_says_how_to_fill_it(database_url: str) -> None:
    assert "osswatch db sync" in _invoke("status", "--database-url", database_url).stdout


def _child_env(url: str, mirror: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OSSWATCH_")}
    env |= {"OSSWATCH_DATABASE_URL": url, "OSSWATCH_OSV_URL": mirror, "OSSWATCH_CONFIG": os.devnull}
    return env


def _is_writing(url: str, application: str) -> bool:
    """True once the child holds an open write transaction (and so has begun writing rows)."""
    if url.startswith("sqlite"):
        probe = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True  # "database is locked": the sync's transaction is open
        finally:
            probe.close()
    with psycopg.connect(POSTGRES, autocommit=True) as connection:
        row = connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s AND backend_xid IS NOT NULL",
            (application,),
        ).fetchone()
    return row is not None and row[0] > 0


def test_sigkill_mid_sync_keeps_the_previous_state(
    database_url: str, osv_mirror: OsvMirror, shared_data: Path
) -> None:
    source = shared_data / "osv" / "Go" / "all.zip"
    folder = osv_mirror.root / "Go"
    folder.mkdir()
    with zipfile.ZipFile(source) as full, zipfile.ZipFile(folder / "all.zip", "w") as half:
        names = [n for n in full.namelist() if n.endswith(".json")]
        for name in names[::2]:
            half.writestr(name, full.read(name))
    with AdvisoryStore.open(database_url) as store, Mirror(osv_mirror.url) as mirror:
        sync_ecosystem(store, mirror, "Go")
    before = _count(database_url)
    assert before == len(names[::2])
    shutil.copy(source, folder / "all.zip")
    application = f"osswatch-kill-{uuid.uuid4().hex[:12]}"
    url = (
        database_url
        if database_url.startswith("sqlite")
        else f"{database_url}&application_name={application}"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", _CLI, "db", "sync", "Go", "--full"],
        env=_child_env(url, osv_mirror.url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not _is_writing(database_url, application):
            assert child.poll() is None, child.stderr.read() if child.stderr else ""
            assert time.monotonic() < deadline, "the sync never started writing"
            time.sleep(0.02)
        time.sleep(0.3)  # let it write some rows
        assert child.poll() is None, "the sync finished before it could be killed"
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
        if child.stderr:
            child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    _assert_consistent(database_url, before)
    rerun = subprocess.run(
        [sys.executable, "-c", _CLI, "db", "sync", "Go", "--full", "--format", "json"],
        env=_child_env(database_url, osv_mirror.url),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert _count(database_url) == len(names)


def _assert_consistent(url: str, expected: int) -> None:
    with AdvisoryStore.open(url) as store, store.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(advisories)) == expected
        for table in (affected_packages, aliases):
            orphans = (
                select(func.count())
                .select_from(table.outerjoin(advisories, advisories.c.id == table.c.advisory_id))
                .where(advisories.c.id.is_(None))
            )
            assert connection.scalar(orphans) == 0
        (status,) = store.status()
        assert status.advisories == expected
