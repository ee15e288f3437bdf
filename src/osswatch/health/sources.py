"""The explicit table of release-history sources by OSV ecosystem, and where each one is reached.

Every base URL has an `OSSWATCH_*_URL` environment variable (docs/health.md lists them with their
defaults), so a mirror, a proxy or a local test server can stand in for the public registry.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from osswatch.ecosystems.identity import base_ecosystem
from osswatch.health.base import ReleaseHistorySource
from osswatch.health.crates import CratesSource
from osswatch.health.depsdev import DepsDevSource
from osswatch.health.goproxy import GoProxySource
from osswatch.health.hex import HexSource
from osswatch.health.maven import MavenSource
from osswatch.health.npm import NpmSource
from osswatch.health.nuget import NuGetSource
from osswatch.health.packagist import PackagistSource
from osswatch.health.pub import PubSource
from osswatch.health.pypi import PyPISource
from osswatch.health.rubygems import RubyGemsSource


@dataclass(frozen=True, kw_only=True, slots=True)
class SourceEntry:
    """One registry: its environment variable, its public default, and how to build its source."""

    env: str
    default: str
    build: Callable[[str], ReleaseHistorySource]


SOURCES: dict[str, SourceEntry] = {
    "PyPI": SourceEntry(
        env="OSSWATCH_PYPI_URL", default="https://pypi.org", build=lambda u: PyPISource(base_url=u)
    ),
    "npm": SourceEntry(
        env="OSSWATCH_NPM_URL", default="https://registry.npmjs.org", build=lambda u: NpmSource(base_url=u)
    ),
    "crates.io": SourceEntry(
        env="OSSWATCH_CRATES_URL", default="https://crates.io", build=lambda u: CratesSource(base_url=u)
    ),
    "RubyGems": SourceEntry(
        env="OSSWATCH_RUBYGEMS_URL",
        default="https://rubygems.org",
        build=lambda u: RubyGemsSource(base_url=u),
    ),
    "Packagist": SourceEntry(
        env="OSSWATCH_PACKAGIST_URL",
        default="https://repo.packagist.org",
        build=lambda u: PackagistSource(base_url=u),
    ),
    "NuGet": SourceEntry(
        env="OSSWATCH_NUGET_URL", default="https://api.nuget.org", build=lambda u: NuGetSource(base_url=u)
    ),
    "Go": SourceEntry(
        env="OSSWATCH_GOPROXY_URL",
        default="https://proxy.golang.org",
        build=lambda u: GoProxySource(base_url=u),
    ),
    "Maven": SourceEntry(
        env="OSSWATCH_MAVEN_URL",
        default="https://repo1.maven.org/maven2",
        build=lambda u: MavenSource(base_url=u),
    ),
    "Pub": SourceEntry(
        env="OSSWATCH_PUB_URL", default="https://pub.dev", build=lambda u: PubSource(base_url=u)
    ),
    "Hex": SourceEntry(
        env="OSSWATCH_HEX_URL", default="https://hex.pm", build=lambda u: HexSource(base_url=u)
    ),
}
"""OSV ecosystem name → registry. deps.dev (below) is the fallback for the ecosystems it covers."""

DEPSDEV = SourceEntry(
    env="OSSWATCH_DEPSDEV_URL", default="https://api.deps.dev", build=lambda u: DepsDevSource(base_url=u)
)
"""deps.dev v3: release dates where a registry has none (Maven), and OpenSSF Scorecard scores."""


def base_url(entry: SourceEntry, env: dict[str, str] | None = None) -> str:
    """The base URL of a registry: its environment variable, else its public default."""
    environ = os.environ if env is None else env
    return (environ.get(entry.env) or entry.default).rstrip("/")


def source_for(ecosystem: str, env: dict[str, str] | None = None) -> ReleaseHistorySource | None:
    """The release-history source of an OSV ecosystem, or None when osswatch has none."""
    entry = SOURCES.get(base_ecosystem(ecosystem))
    return entry.build(base_url(entry, env)) if entry else None


def depsdev_source(env: dict[str, str] | None = None) -> DepsDevSource:
    """The deps.dev source."""
    return DepsDevSource(base_url=base_url(DEPSDEV, env))


__all__ = ["DEPSDEV", "SOURCES", "SourceEntry", "base_url", "depsdev_source", "source_for"]
