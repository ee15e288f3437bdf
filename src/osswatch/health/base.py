"""The seam of registry health: release-history records, the source Protocol, and the `Health` record.

SourceUnavailable                 (osswatch.errors) a registry cannot be used
├── PackageNotFound               the registry answered that it has no such package (404/410)
├── BadRegistryData               the registry answered with something we cannot read
└── NotCached                     offline mode, and the cache has no copy of a URL
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol

from osswatch.errors import SourceUnavailable
from osswatch.model import Package


class PackageNotFound(SourceUnavailable):
    """The registry says it has no such package."""


class BadRegistryData(SourceUnavailable):
    """A registry answered with a document we cannot read (not JSON, wrong shape)."""


class NotCached(SourceUnavailable):
    """Offline mode: the cache has no copy of this URL."""

    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__(f"not in the cache (offline): {url}")


Fetch = Callable[[str], Awaitable[bytes]]
"""GET a URL and return its body; raises SourceUnavailable (or a subclass above) when it cannot."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Release:
    """One published version of a package and when it was published."""

    version: str
    published: datetime | None
    """UTC publish time; None when the registry does not say."""
    is_yanked: bool = False
    """Yanked, retracted, unlisted or retired: installable by pin only, never "latest"."""
    deprecated: str | None = None
    """The registry's deprecation message for this version, if any."""


@dataclass(frozen=True, kw_only=True, slots=True)
class ReleaseHistory:
    """Every release of a package as a registry reports it."""

    package: Package
    source: str
    """The source that answered (`pypi`, `npm`, `deps.dev`, …)."""
    releases: tuple[Release, ...]
    latest: str | None = None
    """The registry's own "latest" marker, where it has one (npm `dist-tags.latest`, PyPI `info.version`)."""
    repository: str | None = None
    deprecated: str | None = None
    """A package-level deprecation or abandonment message (Packagist `abandoned`, pub discontinued)."""
    scorecard: float | None = None
    """The OpenSSF Scorecard overall score of the source repository, where deps.dev has one."""


class ReleaseHistorySource(Protocol):
    """A registry that can tell every release of a package and when it was published."""

    @property
    def name(self) -> str:
        """A short name for reports (`pypi`, `npm`, …)."""
        ...

    async def history(self, package: Package, fetch: Fetch) -> ReleaseHistory:
        """The release history of `package`, fetched through `fetch`; SourceUnavailable if it cannot."""
        ...


@dataclass(frozen=True, kw_only=True, slots=True)
class Behind:
    """How far the installed version is behind: newer stable releases, and release lines ahead."""

    major: int = 0
    minor: int = 0
    patch: int = 0
    releases: int = 0


@dataclass(frozen=True, kw_only=True, slots=True)
class HealthThresholds:
    """When a component counts as stale or unmaintained (a policy may change these)."""

    stale_libyears: float = 1.0
    unmaintained_days: int = 730


@dataclass(frozen=True, kw_only=True, slots=True)
class Health:
    """The health of one installed component; see docs/health.md for the meaning of each field."""

    published: datetime | None = None
    latest: str | None = None
    latest_published: datetime | None = None
    libyear: float | None = None
    behind: Behind | None = None
    last_release: datetime | None = None
    inactive_days: int | None = None
    yanked: bool = False
    deprecated: str | None = None
    end_of_life: date | None = None
    repository: str | None = None
    status: tuple[str, ...] = ("unknown",)


UNKNOWN = Health()
"""The health of a component no registry could tell us about."""


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def health_json(health: Health) -> dict[str, Any]:
    """The documented JSON shape of a `Health` (docs/health.md): exactly these keys, in this order."""
    behind = health.behind
    return {
        "published": _iso(health.published),
        "latest": health.latest,
        "latest_published": _iso(health.latest_published),
        "libyear": health.libyear,
        "behind": None
        if behind is None
        else {
            "major": behind.major,
            "minor": behind.minor,
            "patch": behind.patch,
            "releases": behind.releases,
        },
        "last_release": _iso(health.last_release),
        "inactive_days": health.inactive_days,
        "yanked": health.yanked,
        "deprecated": health.deprecated,
        "end_of_life": None if health.end_of_life is None else health.end_of_life.isoformat(),
        "repository": health.repository,
        "status": list(health.status),
    }


def health_from_json(document: dict[str, Any]) -> Health:
    """The `Health` a `health_json` document describes (how the server reads stored health back)."""
    behind = document.get("behind")
    end_of_life = document.get("end_of_life")
    return Health(
        published=_moment(document.get("published")),
        latest=document.get("latest"),
        latest_published=_moment(document.get("latest_published")),
        libyear=document.get("libyear"),
        behind=None if behind is None else Behind(**behind),
        last_release=_moment(document.get("last_release")),
        inactive_days=document.get("inactive_days"),
        yanked=bool(document.get("yanked", False)),
        deprecated=document.get("deprecated"),
        end_of_life=None if end_of_life is None else date.fromisoformat(end_of_life),
        repository=document.get("repository"),
        status=tuple(document.get("status") or ("unknown",)),
    )


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text).astimezone(UTC)


__all__ = [
    "UNKNOWN",
    "BadRegistryData",
    "Behind",
    "Fetch",
    "Health",
    "HealthThresholds",
    "NotCached",
    "PackageNotFound",
    "Release",
    "ReleaseHistory",
    "ReleaseHistorySource",
    "health_from_json",
    "health_json",
]
