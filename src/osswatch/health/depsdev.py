"""deps.dev v3: release history for any ecosystem it covers, and OpenSSF Scorecard scores.

https://docs.deps.dev/api/v3/ — `GET /v3/systems/{system}/packages/{name}` lists `versions[]`
with `versionKey.version`, `publishedAt`, `isDefault` (the registry's default version) and
`isDeprecated`; `GET /v3/projects/{key}` has `scorecard.overallScore`. Path parameters are
percent-encoded, `/` included.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from osswatch.health.base import Fetch, PackageNotFound, Release, ReleaseHistory
from osswatch.health.parsing import json_fields, parse_time
from osswatch.model import Package

SYSTEMS = {
    "Go": "GO",
    "RubyGems": "RUBYGEMS",
    "npm": "NPM",
    "crates.io": "CARGO",
    "Maven": "MAVEN",
    "PyPI": "PYPI",
    "NuGet": "NUGET",
}
"""OSV ecosystem name → deps.dev system."""


@dataclass(frozen=True, kw_only=True, slots=True)
class DepsDevSource:
    """The deps.dev v3 API."""

    base_url: str
    name: str = "deps.dev"

    def url_for(self, package: Package) -> str:
        """The package document of `package`; PackageNotFound for ecosystems deps.dev lacks."""
        system = SYSTEMS.get(package.ecosystem)
        if system is None:
            raise PackageNotFound(f"deps.dev does not cover {package.ecosystem}")
        return f"{self.base_url}/v3/systems/{system}/packages/{quote(package.name, safe='')}"

    async def history(self, package: Package, fetch: Fetch) -> ReleaseHistory:
        """The release history of a package as deps.dev knows it."""
        url = self.url_for(package)
        return parse_depsdev(package, await fetch(url), url)

    async def scorecard(self, repository: str, fetch: Fetch) -> float | None:
        """The OpenSSF Scorecard score of a GitHub/GitLab repository URL, or None."""
        key = repository.removeprefix("https://").removeprefix("http://").rstrip("/")
        if not key.startswith(("github.com/", "gitlab.com/")):
            return None
        url = f"{self.base_url}/v3/projects/{quote(key, safe='')}"
        card = json_fields(await fetch(url), url).opt_mapping("scorecard")
        score = card.raw("overallScore") if card else None
        return float(score) if isinstance(score, int | float) and not isinstance(score, bool) else None


def parse_depsdev(package: Package, body: bytes, url: str) -> ReleaseHistory:
    """A `ReleaseHistory` from a deps.dev v3 package document."""
    releases: list[Release] = []
    latest: str | None = None
    for entry in json_fields(body, url).tables("versions"):
        version = entry.mapping("versionKey").str("version")
        deprecated = "deprecated" if entry.opt_bool("isDeprecated") else None
        published = parse_time(entry.raw("publishedAt"), context=f"{entry.context}.publishedAt", url=url)
        releases.append(Release(version=version, published=published, deprecated=deprecated))
        if entry.opt_bool("isDefault"):
            latest = version
    return ReleaseHistory(package=package, source="deps.dev", releases=tuple(releases), latest=latest)


__all__ = ["SYSTEMS", "DepsDevSource", "parse_depsdev"]
