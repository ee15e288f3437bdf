"""PyPI: the real JSON documents of the P.1203 lockfile, served by a real local registry."""

from __future__ import annotations

import asyncio
import json
import re
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from osswatch.health.base import BadRegistryData
from osswatch.health.pypi import PyPISource, parse_pypi
from osswatch.health.scan import ScanSettings, scan_health
from osswatch.inventory.collect import CollectOptions, collect
from osswatch.model import EcosystemName, Package
from osswatch.store.database import open_database
from tests.health.conftest import Registry
from tests.health.real_documents import expected_pypi

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def _documents(shared_data: Path) -> list[Path]:
    return sorted((shared_data / "registry" / "pypi").glob("*.json"))


def _serve_pypi(registry: Registry, shared_data: Path) -> None:
    for document in _documents(shared_data):
        registry.add(f"/pypi/{document.stem}/json", document.read_bytes())


def test_every_document_parses_with_every_release(shared_data: Path) -> None:
    documents = _documents(shared_data)
    assert len(documents) == 14
    for document in documents:
        data = json.loads(document.read_text())
        package = Package(ecosystem=EcosystemName("PyPI"), name=document.stem)
        history = parse_pypi(package, document.read_bytes(), str(document))
        assert {r.version for r in history.releases} == set(data["releases"])


def test_lockfile_health_matches_the_documents(shared_data: Path, registry: Registry, tmp_path: Path) -> None:
    _serve_pypi(registry, shared_data)
    lock = shared_data / "lockfiles" / "itu-p1203" / "poetry.lock"
    pinned = {p["name"]: p["version"] for p in tomllib.loads(lock.read_text())["package"]}
    found = collect([lock], CollectOptions())
    engine = open_database(f"sqlite:///{tmp_path / 'h.db'}")
    settings = ScanSettings(env={"OSSWATCH_PYPI_URL": registry.url}, use_depsdev=False)
    scan = asyncio.run(scan_health(found.components, engine, settings, now=NOW))
    assert len(scan.report.components) == len(pinned)
    for result in scan.report.components:
        name, version = result.component.name, result.component.version
        assert version is not None
        assert version == pinned[name]
        expected = expected_pypi(shared_data / "registry" / "pypi" / f"{name}.json", version)
        health = result.health
        assert (health.published, health.latest, health.latest_published) == (
            expected.published,
            expected.latest,
            expected.latest_published,
        ), name
        assert health.libyear == expected.libyear, name
        assert health.behind is not None
        assert health.behind.releases == expected.releases_behind, name
        assert health.last_release == expected.last_release, name
        assert expected.last_release is not None
        assert health.inactive_days == (NOW - expected.last_release).days
        assert health.yanked is expected.yanked
        assert ("stale" in health.status) == (expected.libyear is not None and expected.libyear >= 1), name


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "not valid JSON"),
        (b"{not json", "not valid JSON"),
        (b"[]", "expected a table"),
        (b'{"releases": {}}', "missing 'info'"),
        (b'{"info": {}, "releases": {"1.0": {}}}', "'releases.1.0' should be a list"),
        (b'{"info": {}, "releases": {"1.0": [{"upload_time": "yesterday"}]}}', "not an ISO 8601 timestamp"),
        (b'{"info": {"version": 3}, "releases": {}}', "'info.version' should be a string"),
    ],
    ids=["empty", "truncated", "list", "no-info", "files-not-list", "bad-time", "version-not-string"],
)
def test_malformed_documents_name_the_url(body: bytes, message: str) -> None:
    package = Package(ecosystem=EcosystemName("PyPI"), name="demo")
    with pytest.raises(BadRegistryData, match=re.escape("https://pypi.test/pypi/demo/json")) as raised:
        parse_pypi(package, body, "https://pypi.test/pypi/demo/json")
    assert message in str(raised.value)


def test_url_quotes_the_name() -> None:
    assert PyPISource(base_url="http://x").url_for("a/b") == "http://x/pypi/a%2Fb/json"


def test_yanked_latest_marker_is_not_latest() -> None:
    body = json.dumps(
        {
            "info": {"version": "2.0"},
            "releases": {
                "1.0": [{"upload_time_iso_8601": "2020-01-01T00:00:00Z", "yanked": False}],
                "2.0": [{"upload_time_iso_8601": "2021-01-01T00:00:00Z", "yanked": True}],
            },
        }
    ).encode()
    history = parse_pypi(Package(ecosystem=EcosystemName("PyPI"), name="demo"), body, "u")
    assert history.latest is None
    assert [r.is_yanked for r in history.releases] == [False, True]
