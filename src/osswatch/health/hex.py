"""Hex (Erlang/Elixir) release history (`{base}/api/packages/{name}`).

https://github.com/hexpm/specifications/blob/main/apiary.apib — `releases[]` with `version` and
`inserted_at`, `latest_stable_version`, `retirements` (version → reason and message: a retired
release counts as yanked), and `meta.links`.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from osswatch.fields import Fields
from osswatch.health.base import Fetch, Release, ReleaseHistory
from osswatch.health.parsing import json_fields, parse_time
from osswatch.health.repository import repository_url
from osswatch.model import Package


@dataclass(frozen=True, kw_only=True, slots=True)
class HexSource:
    """The hex.pm API."""

    base_url: str
    name: str = "hex"

    def url_for(self, name: str) -> str:
        """The package document."""
        return f"{self.base_url}/api/packages/{quote(name, safe='')}"

    async def history(self, package: Package, fetch: Fetch) -> ReleaseHistory:
        """The release history of a Hex package."""
        url = self.url_for(package.name)
        return parse_hex(package, await fetch(url), url)


def parse_hex(package: Package, body: bytes, url: str) -> ReleaseHistory:
    """A `ReleaseHistory` from a hex.pm package document."""
    top = json_fields(body, url)
    retirements = top.opt_mapping("retirements")
    releases = tuple(_release(entry, retirements, url) for entry in top.tables("releases"))
    meta = top.opt_mapping("meta")
    links = meta.opt_mapping("links") if meta else None
    return ReleaseHistory(
        package=package,
        source="hex",
        releases=releases,
        latest=top.opt_str("latest_stable_version"),
        repository=_repository(links),
    )


def _release(entry: Fields, retirements: Fields | None, url: str) -> Release:
    version = entry.str("version")
    retired = retirements.opt_mapping(version) if retirements else None
    message = None
    if retired is not None:
        message = retired.opt_str("message") or retired.opt_str("reason") or "retired"
    return Release(
        version=version,
        published=parse_time(entry.raw("inserted_at"), context=f"{entry.context}.inserted_at", url=url),
        is_yanked=retired is not None,
        deprecated=message,
    )


def _repository(links: Fields | None) -> str | None:
    if links is None:
        return None
    by_label = {str(k).lower(): v for k, v in links.items()}
    for label in ("github", "gitlab", "source", "repository"):
        if label in by_label:
            return repository_url(by_label[label])
    return None


__all__ = ["HexSource", "parse_hex"]
