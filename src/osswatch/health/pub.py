"""Pub (Dart) release history (`{base}/api/packages/{name}`).

https://github.com/dart-lang/pub/blob/master/doc/repository-spec-v2.md#list-all-versions-of-a-package
— `versions[]` with `version`, `published` and `retracted`; `latest.version`; `isDiscontinued`
and `replacedBy` at the top.
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
class PubSource:
    """A hosted pub repository (pub.dev by default)."""

    base_url: str
    name: str = "pub"

    def url_for(self, name: str) -> str:
        """The version listing of a package."""
        return f"{self.base_url}/api/packages/{quote(name, safe='')}"

    async def history(self, package: Package, fetch: Fetch) -> ReleaseHistory:
        """The release history of a Dart package."""
        url = self.url_for(package.name)
        return parse_pub(package, await fetch(url), url)


def parse_pub(package: Package, body: bytes, url: str) -> ReleaseHistory:
    """A `ReleaseHistory` from a pub version listing."""
    top = json_fields(body, url)
    releases = tuple(
        Release(
            version=entry.str("version"),
            published=parse_time(entry.raw("published"), context=f"{entry.context}.published", url=url),
            is_yanked=bool(entry.opt_bool("retracted")),
        )
        for entry in top.tables("versions")
    )
    latest = top.opt_mapping("latest")
    pubspec = latest.opt_mapping("pubspec") if latest else None
    return ReleaseHistory(
        package=package,
        source="pub",
        releases=releases,
        latest=latest.opt_str("version") if latest else None,
        repository=_repository(pubspec),
        deprecated=_discontinued(top),
    )


def _repository(pubspec: Fields | None) -> str | None:
    if pubspec is None:
        return None
    return repository_url(pubspec.raw("repository") or pubspec.raw("homepage"))


def _discontinued(top: Fields) -> str | None:
    if not top.opt_bool("isDiscontinued"):
        return None
    replacement = top.opt_str("replacedBy")
    return f"discontinued; replaced by {replacement}" if replacement else "discontinued"


__all__ = ["PubSource", "parse_pub"]
