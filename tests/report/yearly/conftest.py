"""A portfolio with a year of history from real data: the itu-p1203 lockfile against real PyPI advisories.

Team "secretariat": itu-p1203 (numpy vulnerable from February, upgraded in May, judged by the baseline
policy), acapy (the lockfile as it is, from January), legacy (vulnerable since November of the year before,
never fixed). Team "elsewhere": other (vulnerable, to check that a team's report leaves it out). The example
standards catalog links itu-p1203 and acapy.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from osswatch.catalog.load import example_catalog
from osswatch.catalog.store import CatalogStore
from osswatch.monitor.ingest import ingest
from osswatch.monitor.portfolio import Portfolio
from osswatch.policy.rules import baseline
from osswatch.scan import PolicySetup, ScanResult, judge
from osswatch.store.database import open_database
from osswatch.store.portfolio_tables import snapshots
from tests.monitor import conftest as monitor

# the real scan results of the monitor tests, shared rather than repeated
pypi_advisories = monitor.pypi_advisories
advisory_source = monitor.advisory_source
lock_inventory = monitor.lock_inventory
current_result = monitor.current_result
vulnerable_result = monitor.vulnerable_result

FEB = datetime(2026, 2, 1, 12, tzinfo=UTC)
MAY = datetime(2026, 5, 1, 12, tzinfo=UTC)


@dataclass(frozen=True, kw_only=True, slots=True)
class History:
    """The portfolio and what went into it."""

    portfolio: Portfolio
    team_id: int
    other_team_id: int
    vulnerable: ScanResult
    current: ScanResult


def _health(total: float, stale: float) -> dict[str, object]:
    return {
        "total_libyears": total,
        "stale_share": stale,
        "unmaintained_share": 0.0,
        "assessed": 30,
        "unknown": 1,
    }


def _store(portfolio: Portfolio, project_id: int, result: ScanResult, at: datetime, libyears: float) -> None:
    snapshot_id = ingest(portfolio, project_id, result, at).snapshot_id
    with portfolio.writing() as connection:
        connection.execute(
            update(snapshots).where(snapshots.c.id == snapshot_id).values(health=_health(libyears, 0.2))
        )


@pytest.fixture
def history(
    database_url: str, vulnerable_result: ScanResult, current_result: ScanResult
) -> Iterator[History]:
    """The portfolio described above, on SQLite or PostgreSQL."""
    engine = open_database(database_url)
    portfolio = Portfolio(engine)
    team = portfolio.create_team("secretariat", now=FEB).id
    other = portfolio.create_team("elsewhere", now=FEB).id
    ids = {
        name: portfolio.create_project(team, name, now=FEB).id for name in ("itu-p1203", "acapy", "legacy")
    }
    setup = PolicySetup(policy=baseline())
    _store(portfolio, ids["legacy"], vulnerable_result, datetime(2025, 11, 3, tzinfo=UTC), 4.0)
    _store(portfolio, ids["acapy"], current_result, datetime(2026, 1, 10, tzinfo=UTC), 1.5)
    _store(portfolio, ids["itu-p1203"], judge(vulnerable_result, setup, now=FEB), FEB, 3.5)
    _store(portfolio, ids["itu-p1203"], judge(current_result, setup, now=MAY), MAY, 2.0)
    _store(portfolio, portfolio.create_project(other, "other", now=FEB).id, vulnerable_result, FEB, 9.0)
    CatalogStore(engine).replace(example_catalog())
    try:
        yield History(
            portfolio=portfolio,
            team_id=team,
            other_team_id=other,
            vulnerable=vulnerable_result,
            current=current_result,
        )
    finally:
        engine.dispose()
