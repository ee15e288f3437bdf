"""Packagist release history from Composer v2 metadata (`{base}/p2/{vendor}/{package}.json`).

https://packagist.org/apidoc#get-package-metadata-v2 — versions are "minified": each entry holds
only the keys that changed from the entry before it, and `"__unset"` removes a key. Dev branches
live in a separate `~dev.json` file and are not fetched.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from osswatch.health.base import BadRegistryData, Fetch, Release, ReleaseHistory
from osswatch.health.parsing import json_fields, parse_time
from osswatch.health.repository import repository_url
from osswatch.model import Package


@dataclass(frozen=True, kw_only=True, slots=True)
class PackagistSource:
    """The Packagist Composer v2 repository."""

    base_url: str
    name: str = "packagist"

    def url_for(self, name: str) -> str:
        """The v2 metadata of `vendor/package` (names are lowercase on Packagist)."""
        return f"{self.base_url}/p2/{name.lower()}.json"

    async def history(self, package: Package, fetch: Fetch) -> ReleaseHistory:
        """The release history of a Composer package."""
        url = self.url_for(package.name)
        return parse_packagist(package, await fetch(url), url)


def expand_minified(entries: list[Any]) -> Iterator[dict[str, Any]]:
    """Each version's full metadata from a `composer/2.0` minified list."""
    current: dict[str, Any] = {}
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        current = {**current, **entry}
        for key, value in entry.items():
            if value == "__unset":
                del current[key]
        yield current


def parse_packagist(package: Package, body: bytes, url: str) -> ReleaseHistory:
    """A `ReleaseHistory` from Composer v2 package metadata."""
    packages = json_fields(body, url).mapping("packages")
    entries = packages.raw(package.name.lower())
    if not isinstance(entries, list):
        raise BadRegistryData(f"{url}: missing 'packages.{package.name.lower()}'")
    expanded = list(expand_minified(entries))
    releases = tuple(
        Release(
            version=str(item.get("version", "")),
            published=parse_time(item.get("time"), context=f"packages.{package.name}[{i}].time", url=url),
        )
        for i, item in enumerate(expanded)
        if item.get("version")
    )
    newest = expanded[0] if expanded else {}
    return ReleaseHistory(
        package=package,
        source="packagist",
        releases=releases,
        repository=repository_url(newest.get("source")),
        deprecated=_abandoned(newest.get("abandoned")),
    )


def _abandoned(value: object) -> str | None:
    # `abandoned` is true, or the name of the suggested replacement.
    if isinstance(value, str) and value:
        return f"abandoned; use {value} instead"
    return "abandoned" if value is True else None


__all__ = ["PackagistSource", "expand_minified", "parse_packagist"]
