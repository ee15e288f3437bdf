"""`osswatch demo`: the real lockfiles as a demo portfolio linked to the example catalog, in a fresh store."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from osswatch.catalog.store import CatalogStore
from osswatch.inventory.collect import collect
from osswatch.monitor.demo import TEAM, demo_inventories
from osswatch.monitor.portfolio import Portfolio
from osswatch.store.database import open_database
from tests.cli.test_app import run_cli
from tests.store_fixtures import OsvMirror


def _demo(work: Path, folders: list[Path], mirror: OsvMirror) -> str:
    """Stdout of the demo built with --no-serve in `work`."""
    result = run_cli(
        "demo", *map(str, folders), "--no-serve", "--no-health", "--osv-url", mirror.url, cwd=work
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _key(stdout: str) -> str:
    return stdout.strip().splitlines()[-1].rsplit(" ", 1)[-1]


@pytest.fixture
def mirror(shared_data: Path, osv_mirror: OsvMirror) -> OsvMirror:
    """The OSV mirror serving the real PyPI export."""
    shutil.copytree(shared_data / "osv" / "PyPI", osv_mirror.root / "PyPI")
    return osv_mirror


def test_the_demo_records_one_project_per_folder_and_links_the_catalog(
    tmp_path: Path, shared_data: Path, mirror: OsvMirror
) -> None:
    folders = sorted(p for p in (shared_data / "lockfiles").iterdir() if p.is_dir())
    stdout = _demo(tmp_path, folders, mirror)
    store = tmp_path / "osswatch-demo.db"
    assert f"store: sqlite:///{store}" in stdout
    key = _key(stdout)
    engine = open_database(f"sqlite:///{store}")
    try:
        portfolio = Portfolio(engine)
        api_key = portfolio.authenticate(key)
        assert api_key is not None
        assert portfolio.team(api_key.team_id).name == TEAM
        projects = {p.name: p for p in portfolio.projects(api_key.team_id)}
        assert set(projects) == {folder.name for folder in folders}
        for folder in folders:
            (snapshot,) = portfolio.snapshots(api_key.team_id, projects[folder.name].id)
            assert snapshot.component_count == len(collect([folder]).components)
            assert snapshot.verdict is not None
        linked = {i.project for s in CatalogStore(engine).standards() for i in s.implementations if i.project}
        assert linked & set(projects), "the example catalog names the demo's projects"
    finally:
        engine.dispose()
    result = run_cli("catalog", "list", "--format", "json", "--database-url", f"sqlite:///{store}")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    p1203 = next(s for s in document["standards"] if s["id"] == "ITU-T P.1203")
    (implementation,) = [i for i in p1203["implementations"] if i["project"] == "itu-p1203"]
    assert implementation["role"] == "reference_implementation"


def test_a_second_demo_replaces_the_first_store(tmp_path: Path, shared_data: Path, mirror: OsvMirror) -> None:
    folder = shared_data / "lockfiles" / "itu-p1203"
    first = _demo(tmp_path, [folder], mirror)
    again = _demo(tmp_path, [folder], mirror)
    engine = open_database(f"sqlite:///{tmp_path / 'osswatch-demo.db'}")
    try:
        portfolio = Portfolio(engine)
        key = portfolio.authenticate(_key(again))
        assert key is not None
        assert [p.name for p in portfolio.projects(key.team_id)] == [folder.name]
        assert portfolio.authenticate(_key(first)) is None
    finally:
        engine.dispose()


def test_without_paths_the_demo_watches_its_own_python_environment() -> None:
    ((name, inventory),) = demo_inventories([])
    assert name == "python-environment"
    assert any(c.name.lower() == "packaging" for c in inventory.components)


def test_two_folders_of_one_name_are_two_projects(tmp_path: Path, shared_data: Path) -> None:
    lock = shared_data / "lockfiles" / "itu-p1203" / "poetry.lock"
    for parent in ("a", "b"):
        (tmp_path / parent / "app").mkdir(parents=True)
        shutil.copy(lock, tmp_path / parent / "app" / "poetry.lock")
    names = [name for name, _ in demo_inventories([tmp_path / "a" / "app", tmp_path / "b" / "app"])]
    assert names == ["app", "app-2"]
