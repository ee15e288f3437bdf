"""Yearly report speed: gathering, HTML and PDF for a portfolio of 100 projects with a year of history.

Run: `.venv/bin/python benchmarks/report.py [--projects N] [--snapshots N] [--database-url URL]`.

Every project is the real itu-p1203 poetry.lock scanned against the real PyPI OSV export
(`../shared/data`), uploaded `--snapshots` times over 2026, alternating between the lockfile as it is and
with numpy pinned to a vulnerable version, so findings open and close all year; each snapshot gets a
health summary (seeded random libyears). The portfolio is built in a temporary SQLite file unless a
`--database-url` is given. Prints wall and CPU time of each step and the load average (on a shared machine
wall time also counts other processes' turns).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from sqlalchemy import update

from osswatch.advisories.base import InMemoryAdvisories
from osswatch.advisories.osv_record import parse_advisory
from osswatch.ecosystems.identity import purl_for
from osswatch.inventory.collect import collect
from osswatch.model import Purl
from osswatch.monitor.ingest import ingest
from osswatch.monitor.portfolio import Portfolio
from osswatch.report.yearly.data import gather
from osswatch.report.yearly.period import parse_period
from osswatch.report.yearly.render import render_html, render_pdf
from osswatch.scan import ScanResult, scan
from osswatch.store.database import open_database
from osswatch.store.portfolio_tables import snapshots

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
T = TypeVar("T")


def scans() -> tuple[ScanResult, ScanResult]:
    """The lockfile as it is, and with numpy pinned to the version most numpy advisories list."""
    with zipfile.ZipFile(DATA / "osv" / "PyPI" / "all.zip") as archive:
        records = [parse_advisory(json.loads(archive.read(n)), origin=n) for n in archive.namelist()]
    source = InMemoryAdvisories(records)
    inventory = collect([DATA / "lockfiles" / "itu-p1203" / "poetry.lock"])
    numpy = next(c for c in inventory.components if c.name == "numpy")
    assert numpy.package is not None
    listed = Counter(
        version
        for advisory in source.advisories_for([numpy.package])[numpy.package]
        for affected in advisory.affected
        for version in affected.versions
    )
    version = listed.most_common(1)[0][0]
    pinned = dataclasses.replace(numpy, version=version, purl=Purl(purl_for("PyPI", "numpy", version) or ""))
    components = tuple(pinned if c is numpy else c for c in inventory.components)
    return scan(inventory, source), scan(dataclasses.replace(inventory, components=components), source)


def build(portfolio: Portfolio, projects: int, uploads: int) -> None:
    """`projects` projects in two teams, each uploaded `uploads` times over 2026."""
    current, vulnerable = scans()
    rng = random.Random(1203)
    start = datetime(2026, 1, 5, tzinfo=UTC)
    teams = [portfolio.create_team(name, now=start).id for name in ("secretariat", "partners")]
    for number in range(projects):
        project = portfolio.create_project(teams[number % 2], f"project-{number:03d}", now=start).id
        for upload in range(uploads):
            at = start + timedelta(days=upload * 350 // uploads + rng.randrange(7))
            result = vulnerable if (upload + number) % 2 else current
            snapshot_id = ingest(portfolio, project, result, at).snapshot_id
            health = {"total_libyears": round(rng.uniform(0.5, 12), 2), "stale_share": rng.random()}
            health |= {"unmaintained_share": rng.random() / 5, "assessed": 30, "unknown": 1}
            with portfolio.writing() as connection:
                connection.execute(
                    update(snapshots).where(snapshots.c.id == snapshot_id).values(health=health)
                )


def timed(label: str, step: Callable[[], T]) -> T:
    """Run `step`, print its wall and CPU time."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = step()
    print(f"{label:<28} {time.perf_counter() - wall:7.2f} s wall {time.process_time() - cpu:7.2f} s CPU")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100)
    parser.add_argument("--snapshots", type=int, default=4)
    parser.add_argument("--database-url")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = options.database_url or f"sqlite:///{folder}/report.db"
        portfolio = Portfolio(open_database(url))
        try:
            timed(
                f"build ({options.projects} projects)",
                lambda: build(portfolio, options.projects, options.snapshots),
            )
            period = parse_period("2026")
            now = datetime(2027, 1, 2, tzinfo=UTC)
            report = timed("gather", lambda: gather(portfolio, period, team_id=None, now=now))
            html = timed("render HTML", lambda: render_html(report))
            pdf = timed("render PDF (HTML included)", lambda: render_pdf(report))
        finally:
            portfolio.close()
    print(f"HTML {len(html) / 1024:.0f} KiB, PDF {len(pdf) / 1024:.0f} KiB; load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
