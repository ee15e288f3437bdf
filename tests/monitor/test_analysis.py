"""The server pipeline: a snapshot judged and recorded, then re-evaluated when advisories or health change.

Advisories are the real PyPI records of the packages in the real itu-p1203 poetry.lock, imported into the
store in two halves so that re-evaluation meets advisories it did not know at upload time.
"""

from __future__ import annotations

import dataclasses
import json
import zipfile
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from osswatch.advisories.local import import_path
from osswatch.advisories.store import AdvisoryStore
from osswatch.ecosystems.identity import normalize_name
from osswatch.health.base import Behind, Health
from osswatch.model import Component, Inventory
from osswatch.monitor.analysis import (
    Analyser,
    record_inventory,
    reevaluate,
    snapshot_inventory,
)
from osswatch.monitor.findings import findings_of
from osswatch.monitor.portfolio import Portfolio, UnknownRecord
from osswatch.policy.rules import baseline
from osswatch.report.json_document import verdict_json
from osswatch.scan import PolicySetup
from osswatch.store.portfolio_tables import snapshots
from tests.monitor.conftest import T0


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class FixedHealth:
    """A health assessor that gives every pinned component the same made-up health (counts its calls)."""

    libyear: float
    calls: list[int] = dataclasses.field(default_factory=list)

    def __call__(self, components: Sequence[Component], now: datetime) -> Mapping[Component, Health]:
        self.calls.append(len(components))
        health = Health(
            published=now - timedelta(days=400),
            latest="99.0",
            libyear=self.libyear,
            behind=Behind(major=1, releases=4),
            status=("outdated", "stale"),
        )
        return {c: health for c in components if c.is_pinned}


def _records_by_package(archive_path: Path, names: set[str]) -> dict[str, list[tuple[str, bytes]]]:
    """The real OSV records naming any of `names`, grouped by the first such package."""
    found: dict[str, list[tuple[str, bytes]]] = {}
    with zipfile.ZipFile(archive_path) as archive:
        for entry in archive.namelist():
            data = archive.read(entry)
            record = json.loads(data)
            named = {
                normalize_name("PyPI", a.get("package", {}).get("name", ""))
                for a in record.get("affected", [])
            }
            hit = sorted(named & names)
            if hit:
                found.setdefault(hit[0], []).append((entry, data))
    return found


@pytest.fixture
def store_of(portfolio: Portfolio) -> AdvisoryStore:
    """An advisory store in the portfolio's database."""
    return AdvisoryStore(portfolio.engine)


def _import(store: AdvisoryStore, folder: Path, records: list[tuple[str, bytes]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for entry, data in records:
        (folder / Path(entry).name).write_bytes(data)
    import_path(store, folder, ecosystem="PyPI")


def _project(portfolio: Portfolio) -> tuple[int, int]:
    team = portfolio.create_team("audio", now=T0)
    return team.id, portfolio.create_project(team.id, "itu-p1203", now=T0).id


def _snapshot_count(portfolio: Portfolio) -> int:
    with portfolio.reading() as connection:
        return int(connection.scalar(select(func.count()).select_from(snapshots)) or 0)


def test_an_inventory_is_judged_and_recorded_with_its_verdict(
    portfolio: Portfolio,
    store_of: AdvisoryStore,
    lock_inventory: Inventory,
    shared_data: Path,
    tmp_path: Path,
) -> None:
    names = {normalize_name("PyPI", c.name) for c in lock_inventory.components}
    by_package = _records_by_package(shared_data / "osv" / "PyPI" / "all.zip", names)
    _import(store_of, tmp_path / "all", [r for records in by_package.values() for r in records])
    team_id, project_id = _project(portfolio)
    analyser = Analyser(advisories=store_of, policy=PolicySetup(policy=baseline()))

    result, outcome = record_inventory(
        portfolio, analyser, project_id=project_id, inventory=lock_inventory, now=T0
    )

    assert result.findings, "the real lockfile has known vulnerabilities in the real data"
    assert result.verdict is not None
    (snapshot,) = portfolio.snapshots(team_id, project_id)
    assert snapshot.id == outcome.snapshot_id
    assert snapshot.verdict == json.loads(json.dumps(verdict_json(result.verdict)))
    assert snapshot.verdict_summary["passed"] is result.verdict.is_passed
    assert snapshot.evaluated_at == T0
    assert snapshot.health is None  # no assessor: health not assessed
    assert outcome.passed is result.verdict.is_passed
    assert outcome.previous_passed is None
    assert {f.key for f in findings_of(portfolio, team_id, project_id)} == {f.key for f in outcome.new}


def test_reevaluation_after_new_advisories_updates_the_same_snapshot(
    portfolio: Portfolio,
    store_of: AdvisoryStore,
    lock_inventory: Inventory,
    shared_data: Path,
    tmp_path: Path,
) -> None:
    names = {normalize_name("PyPI", c.name) for c in lock_inventory.components}
    by_package = _records_by_package(shared_data / "osv" / "PyPI" / "all.zip", names)
    vulnerable = sorted(by_package)
    assert len(vulnerable) >= 2
    first, later = vulnerable[: len(vulnerable) // 2], vulnerable[len(vulnerable) // 2 :]
    _import(store_of, tmp_path / "first", [r for name in first for r in by_package[name]])
    team_id, project_id = _project(portfolio)
    analyser = Analyser(advisories=store_of, policy=PolicySetup(policy=baseline()))
    _, uploaded = record_inventory(
        portfolio, analyser, project_id=project_id, inventory=lock_inventory, now=T0
    )
    before = {f.key for f in findings_of(portfolio, team_id, project_id)}

    _import(store_of, tmp_path / "later", [r for name in later for r in by_package[name]])
    moment = T0 + timedelta(hours=1)
    outcome = reevaluate(portfolio, analyser, project_id, moment)

    assert outcome is not None
    assert outcome.snapshot_id == uploaded.snapshot_id
    assert not outcome.is_new_snapshot
    assert _snapshot_count(portfolio) == 1
    after = {f.key for f in findings_of(portfolio, team_id, project_id)}
    assert after > before
    assert {f.key for f in outcome.new} == after - before
    assert {purl.split("@")[0].rsplit("/", 1)[1] for _, purl in after - before} <= set(later)
    (snapshot,) = portfolio.snapshots(team_id, project_id)
    assert snapshot.evaluated_at == moment
    assert snapshot.verdict_summary["findings"] == len(after)
    assert outcome.previous_passed is uploaded.passed


def test_health_is_stored_and_reused_unless_refreshed(
    portfolio: Portfolio, store_of: AdvisoryStore, lock_inventory: Inventory
) -> None:
    team_id, project_id = _project(portfolio)
    assessor = FixedHealth(libyear=1.5)
    analyser = Analyser(advisories=store_of, policy=PolicySetup(policy=baseline()), health=assessor)
    record_inventory(portfolio, analyser, project_id=project_id, inventory=lock_inventory, now=T0)
    pinned = sum(1 for c in lock_inventory.components if c.is_pinned)

    (snapshot,) = portfolio.snapshots(team_id, project_id)
    assert snapshot.health is not None
    assert snapshot.health["assessed"] == pinned
    assert snapshot.health["total_libyears"] == pytest.approx(1.5 * pinned)
    stored = portfolio.components(team_id, snapshot.id)
    assert sum(1 for c in stored if c.health is not None) == pinned
    assert all(c.health is None or c.health["libyear"] == 1.5 for c in stored)

    reevaluate(portfolio, analyser, project_id, T0 + timedelta(hours=1))
    assert len(assessor.calls) == 1  # the stored health was reused
    (again,) = portfolio.snapshots(team_id, project_id)
    assert again.health == snapshot.health

    fresher = dataclasses.replace(analyser, health=FixedHealth(libyear=0.5))
    reevaluate(portfolio, fresher, project_id, T0 + timedelta(days=1), refresh_health=True)
    (refreshed,) = portfolio.snapshots(team_id, project_id)
    assert refreshed.health is not None
    assert refreshed.health["total_libyears"] == pytest.approx(0.5 * pinned)
    assert {c.health["libyear"] for c in portfolio.components(team_id, snapshot.id) if c.health} == {0.5}


def test_the_stored_inventory_of_a_snapshot_is_the_uploaded_one(
    portfolio: Portfolio, store_of: AdvisoryStore, lock_inventory: Inventory
) -> None:
    _, project_id = _project(portfolio)
    analyser = Analyser(advisories=store_of, policy=PolicySetup(policy=baseline()))
    _, outcome = record_inventory(
        portfolio, analyser, project_id=project_id, inventory=lock_inventory, now=T0
    )
    inventory, health = snapshot_inventory(portfolio, outcome.snapshot_id)
    assert inventory.components == lock_inventory.components
    assert inventory.sources == lock_inventory.sources
    assert health == {}


def test_nothing_to_reevaluate_before_the_first_upload(portfolio: Portfolio, store_of: AdvisoryStore) -> None:
    _, project_id = _project(portfolio)
    analyser = Analyser(advisories=store_of, policy=PolicySetup(policy=baseline()))
    assert reevaluate(portfolio, analyser, project_id, datetime.now(UTC)) is None
    with pytest.raises(UnknownRecord):
        record_inventory(portfolio, analyser, project_id=9999, inventory=Inventory(), now=T0)
