"""PyPI release history from the JSON API (`{base}/pypi/{name}/json`).

https://docs.pypi.org/api/json/ — `releases` maps each version to its files; a version's publish
time is its earliest file upload, and it is yanked when every file is (PEP 592).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from osswatch.ecosystems import get
from osswatch.fields import Fields
from osswatch.health.base import Fetch, Release, ReleaseHistory
from osswatch.health.parsing import error_for, json_fields, parse_time
from osswatch.model import Package

# project_urls labels that name the source repository, most specific first.
_REPOSITORY_LABELS = ("source", "source code", "repository", "code", "github", "gitlab", "homepage")


@dataclass(frozen=True, kw_only=True, slots=True)
class PyPISource:
    """The PyPI JSON API."""

    base_url: str
    name: str = "pypi"

    def url_for(self, name: str) -> str:
        """The JSON API document of a project."""
        return f"{self.base_url}/pypi/{quote(name, safe='')}/json"

    async def history(self, package: Package, fetch: Fetch) -> ReleaseHistory:
        """The release history of a PyPI project."""
        url = self.url_for(package.name)
        return parse_pypi(package, await fetch(url), url)


def parse_pypi(package: Package, body: bytes, url: str) -> ReleaseHistory:
    """A `ReleaseHistory` from a PyPI JSON API document."""
    top = json_fields(body, url)
    info = top.mapping("info")
    releases = top.opt_mapping("releases")
    history = tuple(
        _release(version, files, url) for version, files in (releases.items() if releases else ())
    )
    latest = info.opt_str("version")
    return ReleaseHistory(
        package=package,
        source="pypi",
        releases=history,
        latest=latest if _is_latest_candidate(latest, history) else None,
        repository=_repository(info),
    )


def _release(version: str, files: object, url: str) -> Release:
    context = f"releases.{version}"
    if not isinstance(files, list):
        raise error_for(url)(f"'{context}' should be a list")
    tables = [Fields(item, f"{context}[{i}]", error=error_for(url)) for i, item in enumerate(files)]
    times = [
        moment
        for file in tables
        if (moment := _upload_time(file, url)) is not None  # a file without a time is skipped
    ]
    is_yanked = bool(tables) and all(file.opt_bool("yanked") for file in tables)
    return Release(version=version, published=min(times, default=None), is_yanked=is_yanked)


def _upload_time(file: Fields, url: str) -> datetime | None:
    raw = file.raw("upload_time_iso_8601") or file.raw("upload_time")
    return parse_time(raw, context=f"{file.context}.upload_time_iso_8601", url=url)


def _is_latest_candidate(version: str | None, history: tuple[Release, ...]) -> bool:
    # PyPI's info.version is the newest non-pre-release unless only pre-releases exist.
    if version is None or get("PyPI").is_prerelease(version):
        return False
    return not any(release.version == version and release.is_yanked for release in history)


def _repository(info: Fields) -> str | None:
    urls = info.opt_mapping("project_urls")
    labelled = {str(k).lower(): v for k, v in urls.items() if isinstance(v, str)} if urls else {}
    for label in _REPOSITORY_LABELS:
        if label in labelled and (label != "homepage" or _is_forge(labelled[label])):
            return labelled[label]
    home = info.opt_str("home_page")
    return home if home and _is_forge(home) else None


def _is_forge(url: str) -> bool:
    return any(host in url for host in ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org"))


__all__ = ["PyPISource", "parse_pypi"]
