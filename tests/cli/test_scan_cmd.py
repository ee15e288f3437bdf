"""`osswatch scan` end to end: a real OSV mirror over HTTP, a real database, real lockfiles."""

from __future__ import annotations

import json
import shutil
import tomllib
import zipfile
from pathlib import Path

from packaging.version import Version

from osswatch.ecosystems.identity import normalize_name
from tests.cli.test_app import run_cli
from tests.store_fixtures import OsvMirror


def _mirror_pypi(mirror: OsvMirror, shared_data: Path) -> None:
    shutil.copytree(shared_data / "osv" / "PyPI", mirror.root / "PyPI")


def _expected_ids(shared_data: Path, lock: Path) -> dict[tuple[str, str], set[str]]:
    """Per (package, version) of the lock: the PYSEC ids whose enumerated `versions` list it.

    osv.dev's enumerated lists are an independent answer to "is this version affected?": the
    scan evaluates ranges, this reads the lists.
    """
    pins = {
        normalize_name("PyPI", p["name"]): p["version"] for p in tomllib.loads(lock.read_text())["package"]
    }
    expected: dict[tuple[str, str], set[str]] = {}
    with zipfile.ZipFile(shared_data / "osv" / "PyPI" / "all.zip") as archive:
        for member in archive.namelist():
            record = json.loads(archive.read(member))
            if record.get("withdrawn"):
                continue
            for affected in record.get("affected", []):
                name = normalize_name("PyPI", affected["package"]["name"])
                version = pins.get(name)
                listed = {Version(v) for v in affected.get("versions", []) if _valid(v)}
                if version is not None and Version(version) in listed:
                    expected.setdefault((name, version), set()).add(record["id"])
    return expected


def _valid(version: str) -> bool:
    try:
        Version(version)
    except ValueError:
        return False
    return True


def test_scan_finds_what_the_enumerated_lists_say(
    tmp_path: Path, shared_data: Path, osv_mirror: OsvMirror
) -> None:
    _mirror_pypi(osv_mirror, shared_data)
    lock = shared_data / "lockfiles" / "acapy" / "poetry.lock"
    env = {"OSSWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "OSSWATCH_OSV_URL": osv_mirror.url}
    result = run_cli("scan", str(lock), "--format", "json", "--no-health", env=env)
    document = json.loads(result.stdout)
    found: dict[tuple[str, str], set[str]] = {}
    for vulnerability in document["vulnerabilities"]:
        component = vulnerability["component"]
        found.setdefault((component["name"], component["version"]), set()).update(vulnerability["sources"])
    expected = _expected_ids(shared_data, lock)
    assert found == expected
    assert result.returncode == (1 if expected else 0), result.stderr
    assert osv_mirror.requested("/PyPI/all.zip") == ["/PyPI/all.zip"]


def test_second_scan_does_not_download_again(
    tmp_path: Path, shared_data: Path, osv_mirror: OsvMirror
) -> None:
    _mirror_pypi(osv_mirror, shared_data)
    lock = shared_data / "lockfiles" / "itu-p1203" / "poetry.lock"
    env = {"OSSWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "OSSWATCH_OSV_URL": osv_mirror.url}
    first = run_cli("scan", str(lock), "--format", "json", "--no-health", env=env)
    second = run_cli("scan", str(lock), "--format", "json", "--no-health", env=env)
    assert json.loads(first.stdout)["vulnerabilities"] == json.loads(second.stdout)["vulnerabilities"]
    assert len(osv_mirror.requests) == 1


def test_offline_scan_says_which_ecosystems_lack_data(tmp_path: Path, shared_data: Path) -> None:
    lock = shared_data / "lockfiles" / "itu-p1203" / "poetry.lock"
    env = {"OSSWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}"}
    result = run_cli("scan", str(lock), "--offline", "--no-health", "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    assert "no advisory data for PyPI" in result.stderr
    assert "osswatch db sync PyPI" in result.stderr
    assert json.loads(result.stdout)["advisory_data"]["missing"] == ["PyPI"]


def test_scan_table_ends_with_a_summary(tmp_path: Path, shared_data: Path, osv_mirror: OsvMirror) -> None:
    _mirror_pypi(osv_mirror, shared_data)
    lock = shared_data / "lockfiles" / "itu-p1203" / "poetry.lock"
    env = {
        "OSSWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
        "OSSWATCH_OSV_URL": osv_mirror.url,
        "COLUMNS": "200",
    }
    result = run_cli("scan", str(lock), "--no-health", env=env)
    assert "PYSEC-2022-42969" in result.stdout
    assert "vulnerabilit" in result.stdout.strip().splitlines()[-1]
