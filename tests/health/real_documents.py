"""Expected health computed straight from the real registry documents, by simple independent code."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

YEAR_SECONDS = 365.25 * 86_400


@dataclass(frozen=True)
class Expected:
    published: datetime | None
    latest: str
    latest_published: datetime | None
    libyear: float | None
    releases_behind: int
    last_release: datetime | None
    yanked: bool


def _time(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _libyear(published: datetime | None, latest_published: datetime | None, is_current: bool) -> float | None:
    if is_current:
        return 0.0
    if published is None or latest_published is None:
        return None
    return round(max(0.0, (latest_published - published).total_seconds() / YEAR_SECONDS), 2)


def expected_pypi(document: Path, installed: str) -> Expected:
    data: dict[str, Any] = json.loads(document.read_text())
    first_upload = {
        v: min(_time(f["upload_time_iso_8601"]) for f in files)
        for v, files in data["releases"].items()
        if files
    }
    yanked = {v for v, files in data["releases"].items() if files and all(f["yanked"] for f in files)}

    def stable(v: str) -> bool:
        try:
            return v not in yanked and not Version(v).is_prerelease
        except InvalidVersion:
            return False

    latest = data["info"]["version"]
    if not stable(latest):
        latest = max((v for v in data["releases"] if stable(v)), key=Version)
    is_current = Version(installed) >= Version(latest)
    return Expected(
        published=first_upload.get(installed),
        latest=latest,
        latest_published=first_upload.get(latest),
        libyear=_libyear(first_upload.get(installed), first_upload.get(latest), is_current),
        releases_behind=sum(1 for v in data["releases"] if stable(v) and Version(v) > Version(installed)),
        last_release=max(first_upload.values(), default=None),
        yanked=installed in yanked,
    )


def _semver(version: str) -> tuple[int, int, int] | None:
    found = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", version)
    return None if found is None else (int(found[1]), int(found[2]), int(found[3]))


def expected_npm(document: Path, installed: str) -> Expected:
    data: dict[str, Any] = json.loads(document.read_text())
    times = {v: _time(t) for v, t in data["time"].items() if v in data["versions"]}
    latest = data["dist-tags"]["latest"]
    here, top = _semver(installed), _semver(latest)
    assert here is not None
    assert top is not None, "these packages use plain x.y.z releases"
    releases = [p for v in data["versions"] if (p := _semver(v)) is not None]  # x.y.z only: no pre-releases
    return Expected(
        published=times.get(installed),
        latest=latest,
        latest_published=times.get(latest),
        libyear=_libyear(times.get(installed), times.get(latest), here >= top),
        releases_behind=sum(1 for p in releases if p > here),
        last_release=max(times.values(), default=None),
        yanked=False,
    )
