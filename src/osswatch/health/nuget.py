"""NuGet release history from registration (`{base}/v3/registration5-gz-semver2/{id}/index.json`).

https://learn.microsoft.com/nuget/api/registration-base-url-resource — the index holds pages; a
page either inlines its leaves or must be fetched by its `@id`. Each leaf's `catalogEntry` has
`version`, `published`, `listed`, `deprecation` and `projectUrl`. Unlisted versions carry the
published date 1900-01-01 and count as yanked.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from osswatch.fields import Fields
from osswatch.health.base import Fetch, Release, ReleaseHistory
from osswatch.health.parsing import json_fields, parse_time
from osswatch.health.repository import repository_url
from osswatch.model import Package

_UNLISTED_YEAR = 1900


@dataclass(frozen=True, kw_only=True, slots=True)
class NuGetSource:
    """The nuget.org registration resource (gzip, SemVer 2.0 hive)."""

    base_url: str
    name: str = "nuget"

    def url_for(self, name: str) -> str:
        """The registration index of a package id (ids are lowercased in URLs)."""
        return f"{self.base_url}/v3/registration5-gz-semver2/{quote(name.lower(), safe='')}/index.json"

    async def history(self, package: Package, fetch: Fetch) -> ReleaseHistory:
        """The release history of a NuGet package, fetching pages the index does not inline."""
        url = self.url_for(package.name)
        index = json_fields(await fetch(url), url)
        leaves: list[Fields] = []
        for page in index.tables("items"):
            if "items" not in page:
                page_url = page.str("@id")
                page = json_fields(await fetch(page_url), page_url)  # noqa: PLW2901 - the fetched page replaces the stub
            leaves.extend(page.tables("items"))
        return nuget_history(package, leaves, url)


def nuget_history(package: Package, leaves: list[Fields], url: str) -> ReleaseHistory:
    """A `ReleaseHistory` from registration leaves."""
    releases: list[Release] = []
    project_url: str | None = None
    for leaf in leaves:
        entry = leaf.mapping("catalogEntry")
        published = parse_time(entry.raw("published"), context=f"{entry.context}.published", url=url)
        is_unlisted = entry.opt_bool("listed") is False or (
            published is not None and published.year == _UNLISTED_YEAR
        )
        deprecation = entry.opt_mapping("deprecation")
        releases.append(
            Release(
                version=entry.str("version"),
                published=None if published and published.year == _UNLISTED_YEAR else published,
                is_yanked=is_unlisted,
                deprecated=(deprecation.opt_str("message") or "deprecated") if deprecation else None,
            )
        )
        project_url = entry.opt_str("projectUrl") or project_url
    return ReleaseHistory(
        package=package, source="nuget", releases=tuple(releases), repository=repository_url(project_url)
    )


__all__ = ["NuGetSource", "nuget_history"]
