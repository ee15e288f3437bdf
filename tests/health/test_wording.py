"""Health as a person reads it, and the risk order."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from osswatch.health.assess import ComponentHealth
from osswatch.health.base import Health
from osswatch.health.summary import summarize, summary_json
from osswatch.health.wording import by_risk, last_release_text, years_behind
from osswatch.model import Component, EcosystemName, Location


def _result(
    name: str, status: tuple[str, ...], libyear: float | None = 0.0, published: int = 2020
) -> ComponentHealth:
    component = Component(
        name=name, version="1.0", ecosystem=EcosystemName("npm"), purl=None, location=Location(path="x")
    )
    health = Health(
        status=status,
        libyear=libyear,
        published=datetime(published, 1, 1, tzinfo=UTC),
        last_release=datetime(2021, 3, 5, tzinfo=UTC),
    )
    return ComponentHealth(component=component, health=health)


@pytest.mark.parametrize(
    ("libyear", "text"),
    [
        (None, "?"),
        (0.0, "up to date"),
        (0.04, "1 month behind"),
        (0.5, "6 months behind"),
        (3.24, "3.2 years behind"),
    ],
    ids=["unknown", "current", "one-month", "months", "years"],
)
def test_years_behind(libyear: float | None, text: str) -> None:
    assert years_behind(libyear) == text


def test_last_release_text() -> None:
    assert last_release_text(_result("a", ("current", "unmaintained"))) == "no release since 2021-03"
    assert last_release_text(_result("a", ("current",))) == "2021-03"


def test_risk_order() -> None:
    results = [
        _result("outdated", ("outdated",), 0.2),
        _result("eol", ("current", "end-of-life")),
        _result("stale-big", ("outdated", "stale"), 5.0),
        _result("stale-small", ("outdated", "stale"), 1.5),
        _result("abandoned", ("current", "unmaintained")),
    ]
    assert [r.component.name for r in by_risk(results)] == [
        "eol",
        "abandoned",
        "stale-big",
        "stale-small",
        "outdated",
    ]


def test_summary() -> None:
    results = [_result(f"p{i}", ("outdated", "stale"), 1.25, 2000 + i) for i in range(12)]
    results.append(_result("gone", ("unknown",), None))
    summary = summarize(results)
    assert (summary.assessed, summary.unknown, summary.total_libyears) == (12, 1, 15.0)
    assert (summary.stale_share, summary.unmaintained_share) == (1.0, 0.0)
    assert [r.component.name for r in summary.oldest] == [f"p{i}" for i in range(10)]
    assert summary_json(summary)["oldest"][0] == {
        "name": "p0",
        "version": "1.0",
        "ecosystem": "npm",
        "published": "2000-01-01",
    }


def test_summary_of_nothing() -> None:
    summary = summarize([])
    assert (summary.stale_share, summary.total_libyears, summary.oldest) == (0.0, 0.0, ())
