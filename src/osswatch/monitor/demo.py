"""A demo portfolio: one project per folder (or the running Python environment), linked to the catalog.

`osswatch demo` calls `build_demo` on a fresh database: it creates the team `demo` with an admin key, records
each inventory through the server pipeline (`analysis.record_inventory`, so the demo shows exactly what a
real upload would), and imports the example standards catalog, whose implementations name the projects
they link to (`itu-p1203`, `credo-ts`, …: the folder names of the real lockfiles).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from osswatch.catalog.load import example_catalog
from osswatch.catalog.store import CatalogStore
from osswatch.inventory.collect import collect
from osswatch.inventory.environment import environment_inventory
from osswatch.model import Inventory
from osswatch.monitor.analysis import Analyser, record_inventory
from osswatch.monitor.portfolio import Portfolio
from osswatch.monitor.records import Role

TEAM = "demo"
"""The team the demo portfolio belongs to."""

ENVIRONMENT_PROJECT = "python-environment"
"""The project name of the running Python environment, when no folder is given."""


@dataclass(frozen=True, kw_only=True, slots=True)
class DemoProject:
    """One recorded demo project."""

    id: int
    name: str
    components: int
    findings: int
    passed: bool | None


@dataclass(frozen=True, kw_only=True, slots=True)
class DemoPortfolio:
    """What the demo built: the team, its admin key (plaintext, shown once), projects and the catalog."""

    team_id: int
    key: str
    projects: tuple[DemoProject, ...]
    standards: int
    problems: tuple[str, ...]
    """Files under the given folders that could not be read (the rest was recorded)."""


def demo_inventories(paths: Sequence[Path]) -> list[tuple[str, Inventory]]:
    """(project name, inventory) per folder or file — or the running Python environment without paths."""
    if not paths:
        return [(ENVIRONMENT_PROJECT, environment_inventory())]
    named: list[tuple[str, Inventory]] = []
    taken: set[str] = set()
    for path in paths:
        name = base = _name_of(path)
        suffix = 2
        while name in taken:  # two folders of the same name are two projects
            name, suffix = f"{base}-{suffix}", suffix + 1
        taken.add(name)
        named.append((name, collect([path])))
    return named


def build_demo(
    portfolio: Portfolio,
    analyser: Analyser,
    inventories: Sequence[tuple[str, Inventory]],
    *,
    now: datetime,
    on_project: Callable[[str, int], None] | None = None,
) -> DemoPortfolio:
    """Record the inventories as the demo team's projects and import the example catalog."""
    team = portfolio.create_team(TEAM, now=now)
    _, key = portfolio.create_key(team.id, Role.ADMIN, "demo-admin", now=now)
    recorded: list[DemoProject] = []
    for name, inventory in inventories:
        if on_project is not None:
            on_project(name, len(inventory.components))
        project = portfolio.create_project(team.id, name, now=now, tags=["demo"])
        result, outcome = record_inventory(
            portfolio, analyser, project_id=project.id, inventory=inventory, now=now
        )
        recorded.append(
            DemoProject(
                id=project.id,
                name=name,
                components=len(inventory.components),
                findings=len(result.findings),
                passed=outcome.passed,
            )
        )
    summary = CatalogStore(portfolio.engine).replace(example_catalog())
    problems = tuple(str(problem) for _, inventory in inventories for problem in inventory.problems)
    return DemoPortfolio(
        team_id=team.id, key=key, projects=tuple(recorded), standards=summary.standards, problems=problems
    )


def _name_of(path: Path) -> str:
    resolved = path.resolve()
    return (resolved.parent if resolved.is_file() else resolved).name or "project"


__all__ = ["ENVIRONMENT_PROJECT", "TEAM", "DemoPortfolio", "DemoProject", "build_demo", "demo_inventories"]
