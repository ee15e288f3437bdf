"""Which projects use a package: latest snapshots only, across teams, through the component index."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from osswatch.model import Advisory, EcosystemName, Package
from osswatch.monitor.affected import projects_affected_by, projects_using, using_query
from osswatch.monitor.ingest import ingest
from osswatch.monitor.portfolio import Portfolio
from osswatch.scan import ScanResult
from osswatch.store.database import open_database
from tests.monitor.conftest import T0


def _without(result: ScanResult, name: str) -> ScanResult:
    inventory = result.inventory
    kept = tuple(c for c in inventory.components if c.name != name)
    assert len(kept) < len(inventory.components)
    return ScanResult(
        inventory=dataclasses.replace(inventory, components=kept),
        findings=tuple(f for f in result.findings if f.component.name != name),
    )


def _pypi(name: str) -> Package:
    return Package(ecosystem=EcosystemName("PyPI"), name=name)


def _fill(portfolio: Portfolio, result: ScanResult) -> dict[str, int]:
    """Three projects in two teams: `kept` uses py, `dropped` used py once, `elsewhere` is another team's."""
    audio = portfolio.create_team("audio", now=T0)
    video = portfolio.create_team("video", now=T0)
    ids = {
        "kept": portfolio.create_project(audio.id, "kept", now=T0).id,
        "dropped": portfolio.create_project(audio.id, "dropped", now=T0).id,
        "elsewhere": portfolio.create_project(video.id, "elsewhere", now=T0).id,
    }
    for project_id in ids.values():
        ingest(portfolio, project_id, result, T0)
    ingest(portfolio, ids["dropped"], _without(result, "py"), T0)
    return ids


def test_only_the_latest_snapshot_counts(portfolio: Portfolio, current_result: ScanResult) -> None:
    ids = _fill(portfolio, current_result)
    assert projects_using(portfolio, [_pypi("py")]) == {ids["kept"], ids["elsewhere"]}
    every = {c.package for c in current_result.inventory.components if c.package is not None}
    assert projects_using(portfolio, every) == set(ids.values())
    assert projects_using(portfolio, [_pypi("no-such-package")]) == set()
    assert projects_using(portfolio, [Package(ecosystem=EcosystemName("npm"), name="py")]) == set()
    assert projects_using(portfolio, []) == set()


def test_names_are_matched_as_advisories_name_them(portfolio: Portfolio, current_result: ScanResult) -> None:
    ids = _fill(portfolio, current_result)
    component = next(c for c in current_result.inventory.components if c.name == "py")
    spelled = _pypi(component.name.upper().replace("-", "_"))
    assert projects_using(portfolio, [spelled]) == {ids["kept"], ids["elsewhere"]}


def test_an_advisory_change_touches_the_projects_using_its_packages(
    portfolio: Portfolio, current_result: ScanResult, pypi_advisories: tuple[Advisory, ...]
) -> None:
    ids = _fill(portfolio, current_result)
    py_advisory = next(a for a in pypi_advisories if a.id == current_result.findings[0].sources[0])
    assert projects_affected_by(portfolio, [py_advisory]) == {ids["kept"], ids["elsewhere"]}
    used = {c.name for c in current_result.inventory.components}
    unrelated = next(a for a in pypi_advisories if not {x.package.name for x in a.affected} & used)
    assert projects_affected_by(portfolio, [unrelated]) == set()


def test_the_lookup_seeks_the_component_index_on_sqlite(tmp_path: Path, current_result: ScanResult) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'plan.db'}")
    try:
        portfolio = Portfolio(engine)
        _fill(portfolio, current_result)
        query = using_query("PyPI", ["py", "numpy"]).compile(engine, compile_kwargs={"literal_binds": True})
        with engine.connect() as connection:
            plan = [row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {query}")]
    finally:
        engine.dispose()
    component_steps = [step for step in plan if "snapshot_components" in step]
    assert component_steps, plan
    assert all(
        "ix_snapshot_components_package" in step and step.startswith("SEARCH") for step in component_steps
    ), plan
    assert not any(step.startswith("SCAN") and "snapshot" in step for step in plan), plan
