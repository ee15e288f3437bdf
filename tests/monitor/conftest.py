"""Fixtures for monitor tests: a migrated portfolio on each database, and scan results from real data.

The scans use the real itu-p1203 poetry.lock and the real PyPI OSV export. `vulnerable_result` is the
same lockfile with numpy pinned to a version the real advisories list as affected (chosen from the data),
so that moving between the two results fixes and reopens real findings.
"""

from __future__ import annotations

import dataclasses
import json
import zipfile
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from osswatch.advisories.base import InMemoryAdvisories
from osswatch.advisories.osv_record import parse_advisory
from osswatch.ecosystems.identity import purl_for
from osswatch.inventory.collect import collect
from osswatch.model import Advisory, Component, Inventory, Purl
from osswatch.monitor.portfolio import Portfolio
from osswatch.scan import ScanResult, scan
from osswatch.store.database import open_database

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
"""A fixed start time for lifecycle tests."""


@pytest.fixture
def portfolio(database_url: str) -> Iterator[Portfolio]:
    """An empty portfolio, migrated to head, on SQLite or PostgreSQL."""
    engine = open_database(database_url)
    try:
        yield Portfolio(engine)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def pypi_advisories(shared_data: Path) -> tuple[Advisory, ...]:
    """Every record of the real PyPI OSV export."""
    with zipfile.ZipFile(shared_data / "osv" / "PyPI" / "all.zip") as archive:
        return tuple(
            parse_advisory(json.loads(archive.read(name)), origin=name)
            for name in archive.namelist()
            if name.endswith(".json")
        )


@pytest.fixture(scope="session")
def advisory_source(pypi_advisories: tuple[Advisory, ...]) -> InMemoryAdvisories:
    """The PyPI advisories, indexed in memory."""
    return InMemoryAdvisories(pypi_advisories)


@pytest.fixture(scope="session")
def lock_inventory(shared_data: Path) -> Inventory:
    """The inventory of the real itu-p1203 poetry.lock."""
    return collect([shared_data / "lockfiles" / "itu-p1203" / "poetry.lock"])


@pytest.fixture(scope="session")
def current_result(lock_inventory: Inventory, advisory_source: InMemoryAdvisories) -> ScanResult:
    """The scan of the lockfile as it is."""
    return scan(lock_inventory, advisory_source)


@pytest.fixture(scope="session")
def vulnerable_result(
    lock_inventory: Inventory, advisory_source: InMemoryAdvisories, current_result: ScanResult
) -> ScanResult:
    """The scan of the lockfile with numpy pinned to the version most real numpy advisories list."""
    numpy = next(c for c in lock_inventory.components if c.name == "numpy")
    assert numpy.package is not None
    listed = Counter(
        version
        for advisory in advisory_source.advisories_for([numpy.package])[numpy.package]
        for affected in advisory.affected
        for version in affected.versions
    )
    version = listed.most_common(1)[0][0]
    result = scan(_with_version(lock_inventory, numpy, version), advisory_source)
    assert len(result.findings) > len(current_result.findings) + 1  # the variant is worth testing with
    return result


def _with_version(inventory: Inventory, old: Component, version: str) -> Inventory:
    purl = purl_for("PyPI", old.name, version)
    new = dataclasses.replace(old, version=version, purl=Purl(purl) if purl else None)
    return dataclasses.replace(
        inventory, components=tuple(new if c is old else c for c in inventory.components)
    )
