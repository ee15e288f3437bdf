"""crates.io release history (`{base}/api/v1/crates/{name}`).

https://crates.io/data-access — the crate document lists every version with `num`, `created_at`
and `yanked`; `crate.max_stable_version` is the registry's latest stable.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from osswatch.health.base import Fetch, Release, ReleaseHistory
from osswatch.health.parsing import json_fields, parse_time
from osswatch.health.repository import repository_url
from osswatch.model import Package


@dataclass(frozen=True, kw_only=True, slots=True)
class CratesSource:
    """The crates.io API."""

    base_url: str
    name: str = "crates.io"

    def url_for(self, name: str) -> str:
        """The crate document."""
        return f"{self.base_url}/api/v1/crates/{quote(name, safe='')}"

    async def history(self, package: Package, fetch: Fetch) -> ReleaseHistory:
        """The release history of a crate."""
        url = self.url_for(package.name)
        return parse_crates(package, await fetch(url), url)


def parse_crates(package: Package, body: bytes, url: str) -> ReleaseHistory:
    """A `ReleaseHistory` from a crates.io crate document."""
    top = json_fields(body, url)
    crate = top.mapping("crate")
    releases = tuple(
        Release(
            version=entry.str("num"),
            published=parse_time(entry.raw("created_at"), context=f"{entry.context}.created_at", url=url),
            is_yanked=bool(entry.opt_bool("yanked")),
        )
        for entry in top.tables("versions")
    )
    return ReleaseHistory(
        package=package,
        source="crates.io",
        releases=releases,
        latest=crate.opt_str("max_stable_version"),
        repository=repository_url(crate.raw("repository")),
    )


__all__ = ["CratesSource", "parse_crates"]
