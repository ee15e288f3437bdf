"""Assessing inventories against a real local registry: degradation, fallbacks, end of life, progress."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from osswatch.health.base import Behind
from osswatch.health.http import RetryPolicy
from osswatch.health.scan import HealthScan, ScanSettings, scan_health
from osswatch.model import Component, EcosystemName, Location, Purl
from osswatch.store.database import open_database
from tests.health.conftest import ASSETS, Registry

NOW = datetime(2026, 11, 23, tzinfo=UTC)
FAST = RetryPolicy(attempts=3, base_delay=0.01, timeout=5.0)


def _component(ecosystem: str | None, name: str, version: str | None) -> Component:
    return Component(
        name=name,
        version=version,
        ecosystem=EcosystemName(ecosystem) if ecosystem else None,
        purl=Purl(f"pkg:generic/{name}") if ecosystem else None,
        location=Location(path="sbom.json"),
    )


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    opened = open_database(f"sqlite:///{tmp_path / 'h.db'}")
    yield opened
    opened.dispose()


def _scan(engine: Engine, components: list[Component], env: dict[str, str], **kwargs: object) -> HealthScan:
    settings = ScanSettings(env=env, retry=FAST, **kwargs)  # type: ignore[arg-type]
    return asyncio.run(scan_health(components, engine, settings, now=NOW))


def _closed_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def test_a_registry_answering_500_degrades_to_unknown(engine: Engine, registry: Registry) -> None:
    registry.failures["/pypi/attrs/json"] = [500] * 10
    scan = _scan(
        engine, [_component("PyPI", "attrs", "1.0")], {"OSSWATCH_PYPI_URL": registry.url}, use_depsdev=False
    )
    result = scan.report.components[0]
    assert result.health.status == ("unknown",)
    assert "HTTP 500 after 3 attempts" in (result.problem or "")
    assert registry.count("/pypi/attrs/json") == 3
    assert scan.report.problems
    assert "PyPI/attrs" in scan.report.problems[0]


@pytest.mark.parametrize(
    ("body", "reason"),
    [(b"<html>", "not valid JSON"), (b'{"info": []}', "'info' should be a table"), (b"", "not valid JSON")],
    ids=["html", "wrong-shape", "empty"],
)
def test_garbage_degrades_to_unknown(engine: Engine, registry: Registry, body: bytes, reason: str) -> None:
    registry.add("/pypi/attrs/json", body)
    scan = _scan(
        engine, [_component("PyPI", "attrs", "1.0")], {"OSSWATCH_PYPI_URL": registry.url}, use_depsdev=False
    )
    assert scan.report.components[0].health.status == ("unknown",)
    assert reason in (scan.report.components[0].problem or "")


def test_a_refused_connection_degrades_to_unknown(engine: Engine) -> None:
    env = {"OSSWATCH_PYPI_URL": _closed_port()}
    scan = _scan(engine, [_component("PyPI", "attrs", "1.0")], env, use_depsdev=False)
    assert scan.report.components[0].health.status == ("unknown",)
    assert "ConnectError" in (scan.report.components[0].problem or "")


def test_depsdev_answers_when_the_registry_fails(engine: Engine, registry: Registry) -> None:
    registry.failures["/pypi/attrs/json"] = [503] * 10
    registry.add(
        "/v3/systems/PYPI/packages/attrs",
        b'{"versions": [{"versionKey": {"version": "1.0"}, "publishedAt": "2020-01-01T00:00:00Z"},'
        b' {"versionKey": {"version": "2.0"}, "publishedAt": "2022-01-01T00:00:00Z", "isDefault": true}]}',
    )
    env = {"OSSWATCH_PYPI_URL": registry.url, "OSSWATCH_DEPSDEV_URL": registry.url}
    result = _scan(engine, [_component("PyPI", "attrs", "1.0")], env).report.components[0]
    assert result.source == "deps.dev"
    assert result.health.latest == "2.0"
    assert result.health.libyear == round(731 / 365.25, 2)
    assert "pypi" in (result.problem or "")  # the failing registry is still reported


def test_maven_dates_come_from_depsdev(engine: Engine, registry: Registry) -> None:
    registry.add(
        "/com/google/guava/guava/maven-metadata.xml", (ASSETS / "maven-guava-metadata.xml").read_bytes()
    )
    registry.add(
        "/v3/systems/MAVEN/packages/com.google.guava%3Aguava", (ASSETS / "depsdev-guava.json").read_bytes()
    )
    env = {"OSSWATCH_MAVEN_URL": registry.url, "OSSWATCH_DEPSDEV_URL": registry.url}
    health = (
        _scan(engine, [_component("Maven", "com.google.guava:guava", "31.1-jre")], env)
        .report.components[0]
        .health
    )
    assert health.published == datetime(2022, 2, 28, 20, 42, 7, tzinfo=UTC)
    assert health.latest == "33.3.1-jre"
    assert health.behind == Behind(major=1, minor=2, patch=2, releases=2)  # the 33.0 and 33.3 lines


def test_end_of_life_from_endoflife_date(engine: Engine, registry: Registry) -> None:
    registry.add("/api/django.json", (ASSETS / "endoflife-django.json").read_bytes())
    registry.add(
        "/pypi/django/json",
        b'{"info": {"version": "5.1.4"}, "releases": {'
        b'"3.2.25": [{"upload_time_iso_8601": "2024-03-04T00:00:00Z", "yanked": false}],'
        b'"5.1.4": [{"upload_time_iso_8601": "2024-12-04T00:00:00Z", "yanked": false}]}}',
    )
    env = {"OSSWATCH_PYPI_URL": registry.url, "OSSWATCH_ENDOFLIFE_URL": registry.url}
    scan = _scan(
        engine,
        [_component("PyPI", "django", "3.2.25"), _component("PyPI", "django", "5.1.4")],
        env,
        use_depsdev=False,
    )
    old, new = (r.health for r in scan.report.components)
    assert old.end_of_life == date(2024, 4, 1)
    assert "end-of-life" in old.status
    assert new.end_of_life == date(2025, 12, 31)
    assert "end-of-life" in new.status  # NOW is after it
    assert registry.count("/api/django.json") == 1


def test_unpinned_and_unidentified_components_are_kept(engine: Engine, registry: Registry) -> None:
    components = [
        _component("PyPI", "attrs", None),
        _component(None, "mystery", "1.0"),
        _component("CRAN", "x", "1"),
    ]
    scan = _scan(engine, components, {"OSSWATCH_PYPI_URL": registry.url}, use_depsdev=False)
    assert [r.problem for r in scan.report.components] == [
        "no version pinned",
        "unidentified component",
        "no release-history source for CRAN",
    ]
    assert registry.requests == []


def test_progress_counts_packages_once(engine: Engine, registry: Registry, shared_data: Path) -> None:
    for name in ("toml", "zipp"):
        registry.add(f"/pypi/{name}/json", (shared_data / "registry" / "pypi" / f"{name}.json").read_bytes())
    components = [
        _component("PyPI", "toml", "0.10.0"),
        _component("PyPI", "toml", "0.10.2"),
        _component("PyPI", "zipp", "3.0.0"),
    ]
    seen: list[tuple[int, int]] = []
    settings = ScanSettings(env={"OSSWATCH_PYPI_URL": registry.url}, use_depsdev=False, retry=FAST)
    asyncio.run(
        scan_health(components, engine, settings, lambda done, total: seen.append((done, total)), now=NOW)
    )
    assert seen == [(0, 2), (1, 2), (2, 2)]
    assert registry.count("/pypi/toml/json") == 1
