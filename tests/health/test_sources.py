"""Every registry source against answers recorded in its documented shape (tests/assets/health/README.md)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from osswatch.health.base import BadRegistryData, PackageNotFound, ReleaseHistory, ReleaseHistorySource
from osswatch.health.crates import CratesSource
from osswatch.health.depsdev import DepsDevSource
from osswatch.health.goproxy import GoProxySource, escape_path
from osswatch.health.hex import HexSource
from osswatch.health.http import HttpClient
from osswatch.health.maven import MavenSource, parse_maven_metadata
from osswatch.health.nuget import NuGetSource
from osswatch.health.packagist import PackagistSource, expand_minified
from osswatch.health.pub import PubSource
from osswatch.health.rubygems import RubyGemsSource
from osswatch.health.sources import SOURCES, base_url, source_for
from osswatch.model import EcosystemName, Package
from tests.health.conftest import ASSETS, Registry


def _history(source: ReleaseHistorySource, ecosystem: str, name: str) -> ReleaseHistory:
    async def run() -> ReleaseHistory:
        async with HttpClient() as client:

            async def fetch(url: str) -> bytes:
                response = await client.get(url)
                if response.status == 404:
                    raise PackageNotFound(url)
                return response.body

            return await source.history(Package(ecosystem=EcosystemName(ecosystem), name=name), fetch)

    return asyncio.run(run())


def _serve(registry: Registry, path: str, asset: str) -> None:
    registry.add(path, (ASSETS / asset).read_bytes())


def _dates(history: ReleaseHistory) -> dict[str, str | None]:
    return {r.version: r.published.date().isoformat() if r.published else None for r in history.releases}


def test_crates(registry: Registry) -> None:
    _serve(registry, "/api/v1/crates/serde", "crates-serde.json")
    history = _history(CratesSource(base_url=registry.url), "crates.io", "serde")
    assert history.latest == "1.0.215"
    assert history.repository == "https://github.com/serde-rs/serde"
    assert _dates(history)["1.0.100"] == "2019-09-08"
    assert [r.version for r in history.releases if r.is_yanked] == ["1.0.214"]


def test_rubygems_keeps_the_first_platform_date(registry: Registry) -> None:
    _serve(registry, "/api/v1/versions/rails.json", "rubygems-rails-versions.json")
    _serve(registry, "/api/v1/gems/rails.json", "rubygems-rails-gem.json")
    history = _history(RubyGemsSource(base_url=registry.url), "RubyGems", "rails")
    assert _dates(history) == {"8.0.1": "2024-12-10", "8.0.0.rc2": "2024-10-30", "7.0.4": "2022-09-09"}
    assert history.latest == "8.0.1"
    assert history.repository == "https://github.com/rails/rails/tree/v8.0.1"


def test_packagist_expands_minified_metadata(registry: Registry) -> None:
    _serve(registry, "/p2/monolog/monolog.json", "packagist-monolog.json")
    history = _history(PackagistSource(base_url=registry.url), "Packagist", "monolog/monolog")
    assert _dates(history) == {"3.8.1": "2024-12-05", "3.8.0": "2024-11-12", "2.9.0": "2023-02-06"}
    assert history.repository == "https://github.com/Seldaek/monolog"


def test_expand_minified_inherits_and_unsets() -> None:
    expanded = list(expand_minified([{"a": 1, "b": 2}, {"b": "__unset", "c": 3}, "junk", {"a": 4}]))
    assert expanded == [{"a": 1, "b": 2}, {"a": 1, "c": 3}, {"a": 4, "c": 3}]


def test_nuget_fetches_pages_that_are_not_inlined(registry: Registry) -> None:
    page_url = f"{registry.url}/page2.json"
    index = (ASSETS / "nuget-newtonsoft.json").read_text().replace("PAGE2_URL", page_url)
    registry.add("/v3/registration5-gz-semver2/newtonsoft.json/index.json", index)
    registry.add(
        "/page2.json", (ASSETS / "nuget-newtonsoft-page2.json").read_text().replace("PAGE2_URL", page_url)
    )
    history = _history(NuGetSource(base_url=registry.url), "NuGet", "Newtonsoft.Json")
    assert _dates(history) == {"12.0.1": "2018-11-27", "12.0.2": None, "13.0.3": "2023-03-08"}
    by_version = {r.version: r for r in history.releases}
    assert by_version["12.0.2"].is_yanked
    assert not by_version["13.0.3"].is_yanked
    assert by_version["12.0.1"].deprecated == "Old major version"


def test_goproxy_reads_every_version_info(registry: Registry) -> None:
    registry.add("/golang.org/x/text/@v/list", (ASSETS / "goproxy-x-text-list.txt").read_bytes())
    for version in ("v0.3.8", "v0.14.0", "v0.21.0"):
        _serve(registry, f"/golang.org/x/text/@v/{version}.info", f"goproxy-x-text-{version}.info")
    registry.add("/golang.org/x/text/@latest", (ASSETS / "goproxy-x-text-v0.21.0.info").read_bytes())
    history = _history(GoProxySource(base_url=registry.url), "Go", "golang.org/x/text")
    assert _dates(history) == {"v0.3.8": "2022-09-20", "v0.14.0": "2023-10-17", "v0.21.0": "2024-12-04"}
    assert history.latest == "v0.21.0"


def test_goproxy_case_encoding() -> None:
    assert escape_path("github.com/Azure/azure-sdk-for-go") == "github.com/!azure/azure-sdk-for-go"


def test_maven_metadata(registry: Registry) -> None:
    _serve(registry, "/com/google/guava/guava/maven-metadata.xml", "maven-guava-metadata.xml")
    history = _history(MavenSource(base_url=registry.url), "Maven", "com.google.guava:guava")
    assert history.latest == "33.3.1-jre"
    # maven-metadata.xml dates only its newest version (lastUpdated); deps.dev fills the rest.
    assert _dates(history) == {"31.1-jre": None, "33.0.0-jre": None, "33.3.1-jre": "2024-09-20"}


@pytest.mark.parametrize(
    "body",
    [b"", b"<metadata><versioning>", b'<!DOCTYPE x [<!ENTITY e "x">]><metadata>&e;</metadata>'],
    ids=["empty", "truncated", "entity"],
)
def test_maven_metadata_refuses_bad_xml(body: bytes) -> None:
    with pytest.raises(BadRegistryData, match="maven-metadata"):
        parse_maven_metadata(
            Package(ecosystem=EcosystemName("Maven"), name="g:a"), body, "u/maven-metadata.xml"
        )


def test_pub_marks_retracted_versions(registry: Registry) -> None:
    _serve(registry, "/api/packages/http", "pub-http.json")
    history = _history(PubSource(base_url=registry.url), "Pub", "http")
    assert history.latest == "1.2.2"
    assert [r.version for r in history.releases if r.is_yanked] == ["1.0.0"]
    assert history.repository == "https://github.com/dart-lang/http/tree/master/pkgs/http"


def test_hex_retirements_are_yanked(registry: Registry) -> None:
    _serve(registry, "/api/packages/jason", "hex-jason.json")
    history = _history(HexSource(base_url=registry.url), "Hex", "jason")
    retired = {r.version: r.deprecated for r in history.releases if r.is_yanked}
    assert retired == {"1.4.3": "Regression in decoding"}
    assert history.latest == "1.4.4"
    assert history.repository == "https://github.com/michalmuskala/jason"


def test_depsdev_history_and_scorecard(registry: Registry) -> None:
    _serve(registry, "/v3/systems/MAVEN/packages/com.google.guava%3Aguava", "depsdev-guava.json")
    _serve(registry, "/v3/projects/github.com%2Fgoogle%2Fguava", "depsdev-project-guava.json")
    source = DepsDevSource(base_url=registry.url)
    history = _history(source, "Maven", "com.google.guava:guava")
    assert history.latest == "33.3.1-jre"
    assert _dates(history)["31.1-jre"] == "2022-02-28"

    async def score() -> float | None:
        async with HttpClient() as client:

            async def fetch(url: str) -> bytes:
                return (await client.get(url)).body

            return await source.scorecard("https://github.com/google/guava", fetch)

    assert asyncio.run(score()) == 7.4


def test_depsdev_does_not_cover_every_ecosystem() -> None:
    with pytest.raises(PackageNotFound, match="Hex"):
        DepsDevSource(base_url="http://x").url_for(Package(ecosystem=EcosystemName("Hex"), name="jason"))


def test_a_missing_package_is_not_found(registry: Registry) -> None:
    with pytest.raises(PackageNotFound):
        _history(CratesSource(base_url=registry.url), "crates.io", "no-such-crate")


@pytest.mark.parametrize("ecosystem", sorted(SOURCES), ids=sorted(SOURCES))
def test_every_base_url_is_configurable(ecosystem: str) -> None:
    entry = SOURCES[ecosystem]
    assert base_url(entry, {}) == entry.default.rstrip("/")
    assert base_url(entry, {entry.env: "http://127.0.0.1:9/mirror/"}) == "http://127.0.0.1:9/mirror"
    source = source_for(f"{ecosystem}:suffix", {entry.env: "http://127.0.0.1:9"})
    assert source is not None


def test_no_source_for_unknown_ecosystems() -> None:
    assert source_for("Debian:12", {}) is None


def test_sources_table_lists_documented_variables() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "health.md").read_text()
    for entry in SOURCES.values():
        assert f"`{entry.env}`" in docs
        assert entry.default in docs


def test_times_are_utc() -> None:
    history = parse_maven_metadata(
        Package(ecosystem=EcosystemName("Maven"), name="g:a"),
        (ASSETS / "maven-guava-metadata.xml").read_bytes(),
        "u",
    )
    newest = history.releases[-1].published
    assert newest == datetime(2024, 9, 20, 15, 29, 9, tzinfo=UTC)
