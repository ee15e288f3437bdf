"""The response cache and release store on SQLite and PostgreSQL, in front of a real local registry."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from osswatch.health.cache import CachedFetcher, ResponseCache
from osswatch.health.http import HttpClient, HttpResponse
from osswatch.health.pypi import parse_pypi
from osswatch.health.release_store import load_history, save_histories
from osswatch.health.scan import HealthScan, ScanSettings, scan_health
from osswatch.model import Component, EcosystemName, Location, Package, Purl
from osswatch.store.database import open_database
from osswatch.store.health_tables import health_versions
from tests.health.conftest import Registry

NAMES = ("attrs", "toml", "zipp")
NOW = datetime(2026, 11, 23, tzinfo=UTC)


def _component(name: str, version: str = "1.0") -> Component:
    return Component(
        name=name,
        version=version,
        ecosystem=EcosystemName("PyPI"),
        purl=Purl(f"pkg:pypi/{name}@{version}"),
        location=Location(path="requirements.txt"),
    )


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    opened = open_database(database_url)
    try:
        yield opened
    finally:
        opened.dispose()


@pytest.fixture
def pypi(registry: Registry, shared_data: Path) -> Registry:
    for name in NAMES:
        registry.add(f"/pypi/{name}/json", (shared_data / "registry" / "pypi" / f"{name}.json").read_bytes())
    return registry


def _scan(engine: Engine, registry: Registry, components: list[Component], **settings: object) -> HealthScan:
    chosen = ScanSettings(env={"OSSWATCH_PYPI_URL": registry.url}, use_depsdev=False, **settings)  # type: ignore[arg-type]
    return asyncio.run(scan_health(components, engine, chosen, now=NOW))


def test_second_scan_makes_no_request(engine: Engine, pypi: Registry) -> None:
    components = [_component(name) for name in NAMES]
    first = _scan(engine, pypi, components)
    assert sorted(pypi.requests) == sorted(f"/pypi/{name}/json" for name in NAMES)
    second = _scan(engine, pypi, components)
    assert len(pypi.requests) == len(NAMES)
    assert second.requests == 0
    assert [r.health for r in second.report.components] == [r.health for r in first.report.components]


def test_expired_answers_are_revalidated_with_their_etag(engine: Engine, pypi: Registry) -> None:
    components = [_component("attrs")]
    _scan(engine, pypi, components)
    again = _scan(engine, pypi, components, ttl=timedelta(0))
    assert pypi.count("/pypi/attrs/json") == 2
    assert pypi.conditional == ["/pypi/attrs/json"]  # answered 304: the stored body was reused
    assert again.report.components[0].health.latest is not None


def test_offline_with_an_empty_cache_says_what_is_missing(engine: Engine, pypi: Registry) -> None:
    scan = _scan(engine, pypi, [_component(name) for name in NAMES], offline=True)
    assert pypi.requests == []
    assert sorted(scan.missing) == sorted(f"{pypi.url}/pypi/{name}/json" for name in NAMES)
    assert all(r.health.status == ("unknown",) for r in scan.report.components)
    assert all("not in the cache" in (r.problem or "") for r in scan.report.components)


def test_offline_uses_stale_answers(engine: Engine, pypi: Registry) -> None:
    _scan(engine, pypi, [_component("toml")])
    scan = _scan(engine, pypi, [_component("toml")], offline=True, ttl=timedelta(0))
    assert scan.missing == ()
    assert scan.report.components[0].health.latest is not None
    assert pypi.count("/pypi/toml/json") == 1


def test_not_found_is_cached(engine: Engine, pypi: Registry) -> None:
    components = [_component("no-such-package")]
    first = _scan(engine, pypi, components)
    _scan(engine, pypi, components)
    assert pypi.count("/pypi/no-such-package/json") == 1
    assert first.report.components[0].health.status == ("unknown",)
    assert "no such package" in (first.report.components[0].problem or "")


def test_every_version_is_stored_with_its_own_date(engine: Engine, pypi: Registry, shared_data: Path) -> None:
    _scan(engine, pypi, [_component("attrs")])
    document = shared_data / "registry" / "pypi" / "attrs.json"
    expected = parse_pypi(Package(ecosystem=EcosystemName("PyPI"), name="attrs"), document.read_bytes(), "u")
    stored = load_history(engine, expected.package)
    assert stored is not None
    assert {(r.version, r.published, r.is_yanked) for r in stored.releases} == {
        (r.version, r.published, r.is_yanked) for r in expected.releases
    }
    save_histories(engine, [expected], NOW)  # replacing is idempotent
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(health_versions)).scalar_one()
    assert count == len(expected.releases)


def test_response_cache_round_trip(engine: Engine) -> None:
    cache = ResponseCache(engine)
    assert cache.get("http://x/a") is None
    cache.put("http://x/a", HttpResponse(status=200, body=b"\x00" * 10_000, etag='"e1"'), NOW)
    cache.put("http://x/a", HttpResponse(status=200, body=b"body", etag='"e2"'), NOW)
    stored = cache.get("http://x/a")
    assert stored is not None
    assert (stored.status, stored.body, stored.etag, stored.fetched_at) == (200, b"body", '"e2"', NOW)
    cache.touch("http://x/a", NOW + timedelta(hours=1))
    touched = cache.get("http://x/a")
    assert touched is not None
    assert touched.fetched_at == NOW + timedelta(hours=1)


def test_fetcher_without_client_is_offline(engine: Engine) -> None:
    fetcher = CachedFetcher(cache=ResponseCache(engine), client=None)

    async def run() -> None:
        await fetcher("http://x/missing")

    with pytest.raises(Exception, match="not in the cache"):
        asyncio.run(run())
    assert fetcher.missing == ["http://x/missing"]


def test_fresh_answer_is_served_without_a_client(engine: Engine) -> None:
    cache = ResponseCache(engine)
    cache.put("http://x/b", HttpResponse(status=200, body=b"{}"), datetime.now(UTC))

    async def run() -> bytes:
        async with HttpClient() as client:
            fetcher = CachedFetcher(cache=cache, client=client)
            body = await fetcher("http://x/b")
            assert client.request_count == 0
            return body

    assert asyncio.run(run()) == b"{}"


def test_migration_0002_goes_down_and_up(database_url: str) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect

    from osswatch.store import database

    engine = open_database(database_url)
    try:
        assert database.current_revision(engine) == database.head_revision()
        config = Config()
        config.set_main_option("script_location", str(Path(database.__file__).parent / "migrations"))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0001")
        tables = set(inspect(engine).get_table_names())
        assert {"http_cache", "health_packages", "health_versions"}.isdisjoint(tables)
        assert "advisories" in tables
        database.upgrade(engine)
        assert {"http_cache", "health_packages", "health_versions"} <= set(inspect(engine).get_table_names())
        assert database.current_revision(engine) == database.head_revision()
    finally:
        engine.dispose()
