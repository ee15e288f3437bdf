"""npm: real package documents of five packages of the Credo lockfile, served by a real local registry."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from osswatch.health.base import BadRegistryData
from osswatch.health.npm import NpmSource, parse_npm
from osswatch.health.scan import ScanSettings, scan_health
from osswatch.inventory.collect import CollectOptions, collect
from osswatch.model import Component, EcosystemName, Location, Package, Purl
from osswatch.store.database import open_database
from tests.health.conftest import Registry
from tests.health.real_documents import expected_npm

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def test_credo_components_match_the_documents(shared_data: Path, registry: Registry, tmp_path: Path) -> None:
    documents = {p.stem: p for p in (shared_data / "registry" / "npm").glob("*.json")}
    for name, document in documents.items():
        registry.add(f"/{name}", document.read_bytes())
    found = collect([shared_data / "lockfiles" / "credo-ts" / "pnpm-lock.yaml"], CollectOptions())
    chosen = [c for c in found.components if c.name in documents and c.version]
    # The data README says all five are in the lockfile; borc is not (2026-11-23), so it is checked
    # at its oldest published version instead.
    assert {c.name for c in chosen} == set(documents) - {"borc"}
    chosen.append(_oldest_version_of(documents["borc"]))
    engine = open_database(f"sqlite:///{tmp_path / 'h.db'}")
    settings = ScanSettings(env={"OSSWATCH_NPM_URL": registry.url}, use_depsdev=False)
    scan = asyncio.run(scan_health(chosen, engine, settings, now=NOW))
    for result in scan.report.components:
        assert result.component.version is not None
        expected = expected_npm(documents[result.component.name], result.component.version)
        health = result.health
        assert health.published == expected.published, result.component
        assert (health.latest, health.latest_published) == (expected.latest, expected.latest_published)
        assert health.libyear == expected.libyear, result.component
        assert health.behind is not None
        assert health.behind.releases == expected.releases_behind
        assert health.last_release == expected.last_release
    assert sorted(registry.requests) == sorted(f"/{name}" for name in documents)  # one request per package


def _oldest_version_of(document: Path) -> Component:
    data = json.loads(document.read_text())
    version = min(data["versions"], key=lambda v: data["time"][v])
    return Component(
        name=data["name"],
        version=version,
        ecosystem=EcosystemName("npm"),
        purl=Purl(f"pkg:npm/{data['name']}@{version}"),
        location=Location(path=str(document)),
    )


def test_scoped_names_encode_the_slash() -> None:
    assert NpmSource(base_url="http://r").url_for("@scope/name") == "http://r/@scope%2Fname"


def test_deprecated_versions_and_repository() -> None:
    body = (
        b'{"dist-tags": {"latest": "2.0.0"}, "time": {"created": "2019-01-01T00:00:00Z",'
        b' "1.0.0": "2019-01-01T00:00:00Z", "2.0.0": "2020-01-01T00:00:00Z"},'
        b' "versions": {"1.0.0": {"deprecated": "use 2"}, "2.0.0": {"deprecated": "",'
        b' "repository": {"type": "git", "url": "git+https://github.com/o/r.git"}}}}'
    )
    history = parse_npm(Package(ecosystem=EcosystemName("npm"), name="demo"), body, "u")
    assert [(r.version, r.deprecated) for r in history.releases] == [("1.0.0", "use 2"), ("2.0.0", None)]
    assert history.repository == "https://github.com/o/r"
    assert history.deprecated is None


@pytest.mark.parametrize(
    "body",
    [b"", b"\xff\xfe", b'{"time": []}', b'{"versions": {"1.0.0": {}}, "time": {"1.0.0": 5}}'],
    ids=["empty", "not-utf8", "time-not-table", "time-not-string"],
)
def test_malformed_documents(body: bytes) -> None:
    with pytest.raises(BadRegistryData):
        parse_npm(Package(ecosystem=EcosystemName("npm"), name="demo"), body, "u")
