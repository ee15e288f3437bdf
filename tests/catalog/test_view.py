"""The catalog joined to project health: verdict, open findings and libyears, within the caller's team.

Snapshots and findings come from a real scan (the itu-p1203 poetry.lock against the real PyPI advisories,
judged by the baseline policy) recorded by the real `ingest`.
"""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, update

from osswatch.advisories.base import InMemoryAdvisories
from osswatch.advisories.osv_record import parse_advisory
from osswatch.catalog.load import example_catalog
from osswatch.catalog.model import Implementation, Role, Standard
from osswatch.catalog.view import ImplementationView, implementation_json, standard_json, view_catalog
from osswatch.inventory.collect import collect
from osswatch.monitor.findings import findings_of
from osswatch.monitor.ingest import ingest
from osswatch.monitor.overview import by_severity
from osswatch.monitor.portfolio import Portfolio
from osswatch.policy.rules import baseline
from osswatch.scan import PolicySetup, ScanResult, judge, scan
from osswatch.store.portfolio_tables import snapshots

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
P1203 = Standard(
    id="ITU-T P.1203",
    body="ITU-T",
    number="P.1203",
    title="Parametric bitstream-based quality assessment",
    url="https://www.itu.int/rec/T-REC-P.1203",
    implementations=(
        Implementation(
            repository="https://github.com/itu-p1203/itu-p1203",
            role=Role.REFERENCE_IMPLEMENTATION,
            project="itu-p1203",
        ),
        Implementation(repository="https://example.org/unmonitored", role=Role.TOOL),
    ),
)
HEALTH = {
    "total_libyears": 41.37,
    "stale_share": 0.3571,
    "unmaintained_share": 0.0714,
    "assessed": 14,
    "unknown": 0,
}
"""A health summary as the analysis pipeline stores it in `snapshots.health` (docs/health.md)."""


@pytest.fixture(scope="module")
def lock_scan(shared_data: Path) -> tuple[ScanResult, ScanResult]:
    """The lockfile judged with the real PyPI advisories, and judged with none (every finding fixed)."""
    with zipfile.ZipFile(shared_data / "osv" / "PyPI" / "all.zip") as archive:
        advisories = InMemoryAdvisories(
            parse_advisory(json.loads(archive.read(name)), origin=name)
            for name in archive.namelist()
            if name.endswith(".json")
        )
    inventory = collect([shared_data / "lockfiles" / "itu-p1203" / "poetry.lock"])
    setup = PolicySetup(policy=baseline())
    vulnerable = judge(scan(inventory, advisories), setup, now=T0)
    clean = judge(scan(inventory, InMemoryAdvisories(())), setup, now=T0)
    assert vulnerable.findings
    assert not clean.findings
    return vulnerable, clean


@pytest.fixture
def portfolio(engine: Engine) -> Portfolio:
    """The portfolio of the migrated database."""
    return Portfolio(engine)


def _only(portfolio: Portfolio, team_id: int | None) -> ImplementationView:
    (view,) = view_catalog(portfolio, [P1203], team_id=team_id)
    assert view.standard == P1203
    assert view.implementations[1].health is None  # no project named: never linked
    return view.implementations[0]


def test_a_linked_project_shows_its_latest_snapshot(
    portfolio: Portfolio, lock_scan: tuple[ScanResult, ScanResult]
) -> None:
    vulnerable, _clean = lock_scan
    team = portfolio.create_team("audio", now=T0)
    project = portfolio.create_project(team.id, "itu-p1203", now=T0)
    outcome = ingest(portfolio, project.id, vulnerable, T0)
    health = _only(portfolio, team.id).health
    assert health is not None
    assert (health.project_id, health.team_id, health.snapshot_id) == (
        project.id,
        team.id,
        outcome.snapshot_id,
    )
    assert health.uploaded_at == T0
    assert vulnerable.verdict is not None
    assert health.is_passed is vulnerable.verdict.is_passed
    assert health.verdict == ("passed" if vulnerable.verdict.is_passed else "failed")
    stored = findings_of(portfolio, team.id, project.id)
    assert health.open_findings == by_severity(Counter(f.severity for f in stored))
    assert sum(health.open_findings.values()) == len(stored) > 0
    assert (health.total_libyears, health.stale_share, health.unmaintained_share) == (None, None, None)

    with portfolio.writing() as connection:
        connection.execute(
            update(snapshots).where(snapshots.c.id == outcome.snapshot_id).values(health=HEALTH)
        )
    health = _only(portfolio, team.id).health
    assert health is not None
    assert (health.total_libyears, health.stale_share, health.unmaintained_share) == (41.37, 0.3571, 0.0714)


def test_fixed_findings_do_not_count(portfolio: Portfolio, lock_scan: tuple[ScanResult, ScanResult]) -> None:
    vulnerable, clean = lock_scan
    team = portfolio.create_team("audio", now=T0)
    project = portfolio.create_project(team.id, "itu-p1203", now=T0)
    ingest(portfolio, project.id, vulnerable, T0)
    later = ingest(portfolio, project.id, clean, T0 + timedelta(days=1))
    health = _only(portfolio, team.id).health
    assert health is not None
    assert health.snapshot_id == later.snapshot_id
    assert health.open_findings == by_severity({})
    assert health.is_passed is True


def test_another_teams_project_looks_like_none(
    portfolio: Portfolio, lock_scan: tuple[ScanResult, ScanResult]
) -> None:
    owner = portfolio.create_team("audio", now=T0)
    other = portfolio.create_team("video", now=T0)
    ingest(portfolio, portfolio.create_project(owner.id, "itu-p1203", now=T0).id, lock_scan[0], T0)
    seen_by_other = _only(portfolio, other.id)
    assert seen_by_other.health is None
    assert implementation_json(seen_by_other) == {
        "repository": "https://github.com/itu-p1203/itu-p1203",
        "role": "reference_implementation",
        "project": "itu-p1203",
        "name": None,
        "notes": None,
        "linked": False,
        "project_id": None,
        "snapshot_id": None,
        "uploaded_at": None,
        "verdict": None,
        "open_findings": None,
        "total_libyears": None,
        "stale_share": None,
        "unmaintained_share": None,
    }
    linked = _only(portfolio, None).health
    assert linked is not None
    assert linked.team_id == owner.id


def test_across_teams_the_newest_snapshot_wins(
    portfolio: Portfolio, lock_scan: tuple[ScanResult, ScanResult]
) -> None:
    first = portfolio.create_team("audio", now=T0)
    second = portfolio.create_team("video", now=T0)
    third = portfolio.create_team("idle", now=T0)
    older = portfolio.create_project(first.id, "itu-p1203", now=T0)
    newer = portfolio.create_project(second.id, "itu-p1203", now=T0)
    portfolio.create_project(third.id, "itu-p1203", now=T0)  # never uploaded: shown last
    ingest(portfolio, older.id, lock_scan[0], T0)
    ingest(portfolio, newer.id, lock_scan[1], T0 + timedelta(hours=1))
    across = _only(portfolio, None).health
    assert across is not None
    assert across.project_id == newer.id
    own = _only(portfolio, first.id).health
    assert own is not None
    assert own.project_id == older.id


def test_a_project_never_uploaded(portfolio: Portfolio) -> None:
    team = portfolio.create_team("audio", now=T0)
    project = portfolio.create_project(team.id, "itu-p1203", now=T0)
    view = _only(portfolio, team.id)
    assert view.health is not None
    assert (view.health.project_id, view.health.snapshot_id, view.health.verdict) == (project.id, None, None)
    assert implementation_json(view)["open_findings"] == by_severity({})
    assert implementation_json(view)["linked"] is True


def test_the_json_of_the_example_catalog(portfolio: Portfolio) -> None:
    views = view_catalog(portfolio, example_catalog().standards, team_id=None)
    documents = [standard_json(view) for view in views]
    assert [d["id"] for d in documents] == [s.id for s in example_catalog().standards]
    assert list(documents[0]) == ["id", "title", "body", "number", "url", "implementations"]
    assert all(not item["linked"] for d in documents for item in d["implementations"])
    json.dumps(documents)  # plain JSON all the way down
