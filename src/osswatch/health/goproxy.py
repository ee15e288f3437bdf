"""Go module release history from a module proxy (`{base}/{module}/@v/list`, `…/@v/{version}.info`).

https://go.dev/ref/mod#goproxy-protocol — `list` has one tagged version a line; `{version}.info`
is `{"Version", "Time"}`; `@latest` names the proxy's latest. Paths and versions are case-encoded:
each uppercase letter becomes `!` and its lowercase.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

from osswatch.health.base import Fetch, PackageNotFound, Release, ReleaseHistory
from osswatch.health.parsing import json_fields, parse_time
from osswatch.model import Package


def escape_path(path: str) -> str:
    """The module proxy's case encoding of a module path or version."""
    return re.sub(r"[A-Z]", lambda m: "!" + m.group(0).lower(), path)


@dataclass(frozen=True, kw_only=True, slots=True)
class GoProxySource:
    """A Go module proxy."""

    base_url: str
    name: str = "goproxy"

    def url_for(self, module: str, leaf: str) -> str:
        """A proxy URL under `{module}/` (`@v/list`, `@latest`, `@v/{version}.info`)."""
        return f"{self.base_url}/{escape_path(module)}/{leaf}"

    async def history(self, package: Package, fetch: Fetch) -> ReleaseHistory:
        """Every tagged version of a module with its time, and the proxy's latest."""
        listed = (await fetch(self.url_for(package.name, "@v/list"))).decode("utf-8", "replace")
        versions = [line.strip() for line in listed.splitlines() if line.strip()]
        infos = await asyncio.gather(*(self._release(package.name, v, fetch) for v in versions))
        latest: str | None = None
        try:
            latest_url = self.url_for(package.name, "@latest")
            latest = json_fields(await fetch(latest_url), latest_url).opt_str("Version")
        except PackageNotFound:
            latest = None  # a module with no tags and no commits the proxy can resolve
        return ReleaseHistory(
            package=package,
            source="goproxy",
            releases=tuple(infos),
            latest=latest if latest in versions else None,
            repository=_repository(package.name),
        )

    async def _release(self, module: str, version: str, fetch: Fetch) -> Release:
        url = self.url_for(module, f"@v/{escape_path(version)}.info")
        info = json_fields(await fetch(url), url)
        return Release(version=version, published=parse_time(info.raw("Time"), context="Time", url=url))


def _repository(module: str) -> str | None:
    # Only hosts whose module path is the repository path; vanity paths need a go-get lookup.
    parts = module.split("/")
    if parts[0] in ("github.com", "gitlab.com", "bitbucket.org") and len(parts) >= 3:
        return "https://" + "/".join(parts[:3])
    return None


__all__ = ["GoProxySource", "escape_path"]
