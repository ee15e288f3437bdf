"""RubyGems release history (`{base}/api/v1/versions/{name}.json` and `{base}/api/v1/gems/{name}.json`).

https://guides.rubygems.org/rubygems-org-api/ — the versions list has one entry per version and
platform (`number`, `created_at`, `prerelease`); the gem document gives the latest `version` and
`source_code_uri`. Yanked versions are not listed at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from osswatch.fields import Fields
from osswatch.health.base import BadRegistryData, Fetch, Release, ReleaseHistory
from osswatch.health.parsing import error_for, json_fields, load_json, parse_time
from osswatch.health.repository import repository_url
from osswatch.model import Package


@dataclass(frozen=True, kw_only=True, slots=True)
class RubyGemsSource:
    """The rubygems.org API."""

    base_url: str
    name: str = "rubygems"

    def urls_for(self, name: str) -> tuple[str, str]:
        """The versions list and the gem document."""
        quoted = quote(name, safe="")
        return f"{self.base_url}/api/v1/versions/{quoted}.json", f"{self.base_url}/api/v1/gems/{quoted}.json"

    async def history(self, package: Package, fetch: Fetch) -> ReleaseHistory:
        """The release history of a gem."""
        versions_url, gem_url = self.urls_for(package.name)
        return parse_rubygems(
            package, (await fetch(versions_url), versions_url), (await fetch(gem_url), gem_url)
        )


def parse_rubygems(package: Package, versions: tuple[bytes, str], gem: tuple[bytes, str]) -> ReleaseHistory:
    """A `ReleaseHistory` from a versions list and a gem document."""
    body, url = versions
    entries = load_json(body, url)
    if not isinstance(entries, list):
        raise BadRegistryData(f"{url}: expected a list of versions")
    earliest: dict[str, datetime | None] = {}
    for index, item in enumerate(entries):
        entry = Fields(item, f"[{index}]", error=error_for(url))
        moment = parse_time(entry.raw("created_at"), context=f"[{index}].created_at", url=url)
        number = entry.str("number")
        known = earliest.get(number)
        # One entry per platform: the version was published when its first platform was.
        earliest[number] = moment if known is None or (moment is not None and moment < known) else known
    document = json_fields(*gem)
    return ReleaseHistory(
        package=package,
        source="rubygems",
        releases=tuple(Release(version=v, published=t) for v, t in earliest.items()),
        latest=document.opt_str("version"),
        repository=repository_url(document.raw("source_code_uri") or document.raw("homepage_uri")),
    )


__all__ = ["RubyGemsSource", "parse_rubygems"]
