"""The Health record's JSON shape and the public names of the seam."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from osswatch.health import base
from osswatch.health.base import UNKNOWN, Behind, Health, health_from_json, health_json

KEYS = [
    "published",
    "latest",
    "latest_published",
    "libyear",
    "behind",
    "last_release",
    "inactive_days",
    "yanked",
    "deprecated",
    "end_of_life",
    "repository",
    "status",
]


def test_json_keys_are_exactly_the_documented_ones() -> None:
    assert list(health_json(UNKNOWN)) == KEYS
    assert health_json(UNKNOWN)["status"] == ["unknown"]


def test_json_values() -> None:
    plus_two = timezone(timedelta(hours=2))
    health = Health(
        published=datetime(2020, 1, 1, 2, 0, tzinfo=plus_two),
        latest="2.0",
        latest_published=datetime(2021, 1, 1, tzinfo=UTC),
        libyear=1.0,
        behind=Behind(major=1, minor=1, patch=1, releases=3),
        end_of_life=date(2024, 4, 1),
        status=("outdated", "stale"),
    )
    document = health_json(health)
    assert document["published"] == "2020-01-01T00:00:00Z"
    assert document["behind"] == {"major": 1, "minor": 1, "patch": 1, "releases": 3}
    assert document["end_of_life"] == "2024-04-01"
    assert document["status"] == ["outdated", "stale"]


def test_json_reads_back_to_the_same_health() -> None:
    health = Health(
        published=datetime(2020, 1, 1, tzinfo=UTC),
        latest="2.0",
        latest_published=datetime(2021, 1, 1, 12, 30, tzinfo=UTC),
        libyear=1.0,
        behind=Behind(major=1, minor=0, patch=2, releases=3),
        last_release=datetime(2021, 1, 1, tzinfo=UTC),
        inactive_days=700,
        yanked=True,
        deprecated="use other",
        end_of_life=date(2024, 4, 1),
        repository="https://example.invalid/repo",
        status=("outdated", "stale", "yanked"),
    )
    assert health_from_json(health_json(health)) == health
    assert health_from_json(health_json(UNKNOWN)) == UNKNOWN


def test_all_lists_the_public_names() -> None:
    public = {
        n
        for n in vars(base)
        if not n.startswith("_") and getattr(getattr(base, n), "__module__", "") == base.__name__
    }
    assert public - {"annotations"} <= set(base.__all__)
