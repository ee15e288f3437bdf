"""Metrics: pure functions over a release history, with Hypothesis properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osswatch.ecosystems import get
from osswatch.health.base import Behind, HealthThresholds, Release, ReleaseHistory
from osswatch.health.metrics import HealthInput, assess_health, libyears, version_parts, versions_behind
from osswatch.model import EcosystemName, Package

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _at(year: int, month: int = 1) -> datetime:
    return datetime(year, month, 1, tzinfo=UTC)


def _history(*releases: Release, latest: str | None = None, ecosystem: str = "npm") -> ReleaseHistory:
    return ReleaseHistory(
        package=Package(ecosystem=EcosystemName(ecosystem), name="demo"),
        source="test",
        releases=releases,
        latest=latest,
    )


HISTORY = _history(
    Release(version="1.0.0", published=_at(2020)),
    Release(version="1.1.0", published=_at(2021)),
    Release(version="2.0.0", published=_at(2022)),
    Release(version="2.1.0", published=_at(2023), is_yanked=True),
    Release(version="3.0.0-beta.1", published=_at(2025)),
)


def test_installed_age_is_its_own_date_not_the_latest() -> None:
    health = assess_health(HISTORY, HealthInput(installed="1.0.0", now=NOW))
    assert health.published == _at(2020)
    assert health.latest == "2.0.0"  # not the yanked 2.1.0, not the beta
    assert health.latest_published == _at(2022)
    assert health.libyear == round((_at(2022) - _at(2020)).days / 365.25, 2)
    assert health.behind == Behind(major=1, minor=2, patch=2, releases=2)
    assert health.last_release == _at(2025)  # any release, the beta included
    assert health.inactive_days == (NOW - _at(2025)).days
    assert health.status == ("outdated", "stale")


def test_up_to_date_is_current_with_zero_libyears() -> None:
    health = assess_health(HISTORY, HealthInput(installed="2.0.0", now=NOW))
    assert (health.libyear, health.status) == (0.0, ("current",))


def test_unmaintained_is_separate_from_stale() -> None:
    later = NOW + timedelta(days=731)
    health = assess_health(HISTORY, HealthInput(installed="2.0.0", now=later))
    assert health.status == ("current", "unmaintained")


def test_thresholds_are_policy() -> None:
    strict = HealthThresholds(stale_libyears=0.5, unmaintained_days=100)
    health = assess_health(HISTORY, HealthInput(installed="1.1.0", now=NOW, thresholds=strict))
    assert health.status == ("outdated", "stale", "unmaintained")


def test_yanked_and_deprecated_installed_versions() -> None:
    history = _history(
        Release(version="1.0.0", published=_at(2020), is_yanked=True, deprecated="do not use"),
        Release(version="1.0.1", published=_at(2020, 2)),
    )
    health = assess_health(history, HealthInput(installed="1.0.0", now=NOW))
    assert health.yanked
    assert health.deprecated == "do not use"
    assert "yanked" in health.status
    assert "deprecated" in health.status


def test_registry_latest_marker_wins_over_the_highest() -> None:
    history = _history(
        Release(version="1.0.0", published=_at(2020)),
        Release(version="9.0.0", published=_at(2019)),
        latest="1.0.0",
    )
    assert assess_health(history, HealthInput(installed="1.0.0", now=NOW)).latest == "1.0.0"


def test_pre_release_latest_marker_is_ignored() -> None:
    history = _history(
        Release(version="1.0.0", published=_at(2020)),
        Release(version="2.0.0-rc.1", published=_at(2021)),
        latest="2.0.0-rc.1",
    )
    assert assess_health(history, HealthInput(installed="1.0.0", now=NOW)).latest == "1.0.0"


def test_unknown_installed_version_keeps_other_signals() -> None:
    health = assess_health(HISTORY, HealthInput(installed="1.5.0", now=NOW))
    assert health.published is None
    assert health.libyear is None
    assert health.latest == "2.0.0"
    assert health.status == ("outdated",)


def test_equal_spellings_find_the_release() -> None:
    history = _history(Release(version="1.0", published=_at(2020)), ecosystem="PyPI")
    assert assess_health(history, HealthInput(installed="1.0.0", now=NOW)).published == _at(2020)


def test_empty_history_is_unknown() -> None:
    health = assess_health(_history(), HealthInput(installed="1.0.0", now=NOW))
    assert health.status == ("unknown",)
    assert health.latest is None


def test_end_of_life_date_in_the_past_sets_the_status() -> None:
    past = assess_health(HISTORY, HealthInput(installed="2.0.0", now=NOW, end_of_life=date(2025, 1, 1)))
    future = assess_health(HISTORY, HealthInput(installed="2.0.0", now=NOW, end_of_life=date(2027, 1, 1)))
    flagged = assess_health(HISTORY, HealthInput(installed="2.0.0", now=NOW, is_end_of_life=True))
    assert "end-of-life" in past.status
    assert "end-of-life" not in future.status
    assert "end-of-life" in flagged.status


@pytest.mark.parametrize(
    ("version", "parts"),
    [
        ("1.2.3", (1, 2, 3)),
        ("v2", (2, 0, 0)),
        ("1!2.0", (2, 0, 0)),
        ("33.3.1-jre", (33, 3, 1)),
        ("abc", None),
    ],
    ids=["semver", "go-v", "epoch", "maven-qualifier", "not-a-version"],
)
def test_version_parts(version: str, parts: tuple[int, int, int] | None) -> None:
    assert version_parts(version) == parts


def test_libyear_is_never_negative() -> None:
    assert libyears(_at(2022), _at(2020), is_current=False) == 0.0
    assert libyears(None, _at(2020), is_current=False) is None


releases = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 5), st.integers(0, 5), st.integers(0, 3000)),
    min_size=1,
    max_size=20,
)


@given(releases, st.integers(0, 19))
def test_properties(entries: list[tuple[int, int, int, int]], pick: int) -> None:
    unique = {f"{a}.{b}.{c}": _at(2000) + timedelta(days=d) for a, b, c, d in entries}
    history = _history(*(Release(version=v, published=t) for v, t in unique.items()))
    installed = sorted(unique)[pick % len(unique)]
    health = assess_health(history, HealthInput(installed=installed, now=_at(2030)))
    scheme = get("npm")
    newest = max(unique, key=scheme.sort_key)
    assert health.latest == newest
    assert health.libyear is not None
    assert health.libyear >= 0
    assert (health.libyear == 0) or installed != newest
    assert health.behind is not None
    assert health.behind.releases == sum(1 for v in unique if scheme.compare(v, installed) > 0)
    assert health.behind.major <= health.behind.minor <= health.behind.patch <= health.behind.releases
    assert ("current" in health.status) == (installed == newest)
    assert (
        versions_behind(newest, sorted(history.releases, key=lambda r: scheme.sort_key(r.version)), scheme)
        == Behind()
    )
