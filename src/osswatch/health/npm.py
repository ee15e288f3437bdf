"""npm release history from the registry's package document (`{base}/{name}`, scoped as `@scope%2fname`).

https://github.com/npm/registry/blob/main/docs/REGISTRY-API.md — `time` maps each version to its
publish time, `dist-tags.latest` is the registry's latest, and `versions[v].deprecated` carries a
deprecation message.
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
class NpmSource:
    """The npm registry."""

    base_url: str
    name: str = "npm"

    def url_for(self, name: str) -> str:
        """The package document; a scoped name keeps its `@` and encodes its `/`."""
        return f"{self.base_url}/{quote(name, safe='@')}"

    async def history(self, package: Package, fetch: Fetch) -> ReleaseHistory:
        """The release history of an npm package."""
        url = self.url_for(package.name)
        return parse_npm(package, await fetch(url), url)


def parse_npm(package: Package, body: bytes, url: str) -> ReleaseHistory:
    """A `ReleaseHistory` from an npm package document."""
    top = json_fields(body, url)
    times = top.opt_mapping("time")
    versions = top.opt_mapping("versions")
    tags = top.opt_mapping("dist-tags")
    latest = tags.opt_str("latest") if tags else None
    releases = tuple(
        Release(
            version=version,
            published=parse_time(times.raw(version) if times else None, context=f"time.{version}", url=url),
            deprecated=_deprecation(versions.opt_mapping(version) if versions else None),
        )
        for version, _ in (versions.items() if versions else ())
    )
    latest_manifest = versions.opt_mapping(latest) if versions and latest else None
    repository = top.raw("repository") or (latest_manifest.raw("repository") if latest_manifest else None)
    return ReleaseHistory(
        package=package,
        source="npm",
        releases=releases,
        latest=latest,
        repository=repository_url(repository),
        deprecated=_deprecation(latest_manifest),
    )


def _deprecation(manifest: Fields | None) -> str | None:
    if manifest is None:
        return None
    message = manifest.raw("deprecated")
    # npm marks an undeprecated version with an empty string; `true` appears in old documents.
    if isinstance(message, str) and message:
        return message
    return "deprecated" if message is True else None


__all__ = ["NpmSource", "parse_npm"]
