"""Health from a release history and an installed version: pure, no I/O.

Three separate signals (a stale dependency is not an abandoned one):
- age of the installed version: its own publish time (`published`), never another version's;
- libyear: the time between the installed version's release and the latest's (Cox et al., "Measuring
  Dependency Freshness in Software Systems", ICSE 2015; https://libyear.com), 0 when up to date;
- inactivity: days since the newest release of any kind (`last_release`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from osswatch.ecosystems import VersionScheme, get
from osswatch.health.base import Behind, Health, HealthThresholds, Release, ReleaseHistory

_DAYS_PER_YEAR = 365.25
_PARTS = re.compile(r"^[vV]?(?:\d+!)?(\d+)(?:\.(\d+))?(?:\.(\d+))?")


@dataclass(frozen=True, kw_only=True, slots=True)
class HealthInput:
    """What `assess_health` needs besides the history: the installed version and the moment of judging."""

    installed: str
    now: datetime
    thresholds: HealthThresholds = field(default_factory=HealthThresholds)
    end_of_life: date | None = None
    is_end_of_life: bool = False
    """True when the release line has reached its end of life, even if no date is known."""


def stable_releases(history: ReleaseHistory, scheme: VersionScheme) -> list[Release]:
    """Releases that may be "latest": valid, not pre-releases, not yanked; oldest first."""
    candidates = [
        r
        for r in history.releases
        if not r.is_yanked and scheme.is_valid(r.version) and not scheme.is_prerelease(r.version)
    ]
    return sorted(candidates, key=lambda r: scheme.sort_key(r.version))


def find_release(history: ReleaseHistory, version: str, scheme: VersionScheme) -> Release | None:
    """The release of `version`: the exact string, else one the scheme calls equal (`1.0` = `1.0.0`)."""
    for release in history.releases:
        if release.version == version:
            return release
    for release in history.releases:
        if scheme.is_valid(version) and scheme.compare(release.version, version) == 0:
            return release
    return None


def latest_release(history: ReleaseHistory, scheme: VersionScheme) -> Release | None:
    """The registry's latest marker if it names a stable release; else the highest stable release."""
    stable = stable_releases(history, scheme)
    if history.latest is not None:
        marked = [r for r in stable if r.version == history.latest]
        if marked:
            return marked[0]
    return stable[-1] if stable else None


def libyears(
    published: datetime | None, latest_published: datetime | None, *, is_current: bool
) -> float | None:
    """Years from the installed release to the latest release, 2 decimals; 0 when up to date."""
    if is_current:
        return 0.0
    if published is None or latest_published is None:
        return None
    seconds = (latest_published - published).total_seconds()
    return round(max(0.0, seconds / (_DAYS_PER_YEAR * 86_400)), 2)


def version_parts(version: str) -> tuple[int, int, int] | None:
    """Major, minor and patch numbers read from the front of a version string, or None."""
    found = _PARTS.match(version)
    if found is None:
        return None
    major, minor, patch = found.groups()
    return int(major), int(minor or 0), int(patch or 0)


def versions_behind(installed: str, stable: list[Release], scheme: VersionScheme) -> Behind:
    """Newer stable releases, and how many major, minor and patch release lines are ahead."""
    newer = [
        r.version for r in stable if scheme.is_valid(installed) and scheme.compare(r.version, installed) > 0
    ]
    here = version_parts(installed)
    parts = [p for v in newer if (p := version_parts(v)) is not None]
    if here is None:
        return Behind(releases=len(newer))
    return Behind(
        major=len({p[0] for p in parts if p[0] > here[0]}),
        minor=len({p[:2] for p in parts if p[:2] > here[:2]}),
        patch=len({p for p in parts if p > here}),
        releases=len(newer),
    )


def assess_health(history: ReleaseHistory, given: HealthInput) -> Health:
    """The health of `given.installed` according to `history`."""
    scheme = get(history.package.ecosystem)
    installed = find_release(history, given.installed, scheme)
    latest = latest_release(history, scheme)
    is_current = latest is not None and scheme.compare(given.installed, latest.version) >= 0
    published = installed.published if installed else None
    last_release = max((r.published for r in history.releases if r.published), default=None)
    health = Health(
        published=published,
        latest=latest.version if latest else None,
        latest_published=latest.published if latest else None,
        libyear=libyears(published, latest.published if latest else None, is_current=is_current),
        behind=versions_behind(given.installed, stable_releases(history, scheme), scheme),
        last_release=last_release,
        inactive_days=(given.now - last_release).days if last_release else None,
        yanked=bool(installed and installed.is_yanked),
        deprecated=(installed.deprecated if installed else None) or history.deprecated,
        end_of_life=given.end_of_life,
        repository=history.repository,
    )
    return replace(health, status=health_status(health, given, is_current=is_current) or ("unknown",))


def health_status(health: Health, given: HealthInput, *, is_current: bool) -> tuple[str, ...]:
    """The status words of a health record, in a fixed order."""
    limits = given.thresholds
    words = [
        ("current", is_current),
        ("outdated", not is_current and health.behind is not None and health.behind.releases > 0),
        ("stale", health.libyear is not None and health.libyear >= limits.stale_libyears),
        (
            "unmaintained",
            health.inactive_days is not None and health.inactive_days >= limits.unmaintained_days,
        ),
        ("yanked", health.yanked),
        ("deprecated", health.deprecated is not None),
        (
            "end-of-life",
            given.is_end_of_life
            or (health.end_of_life is not None and health.end_of_life <= given.now.date()),
        ),
    ]
    return tuple(word for word, is_set in words if is_set)


__all__ = [
    "HealthInput",
    "assess_health",
    "find_release",
    "health_status",
    "latest_release",
    "libyears",
    "stable_releases",
    "version_parts",
    "versions_behind",
]
