"""`osswatch health` end to end: the P.1203 lockfile against a real local PyPI, as table and JSON."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from osswatch.cli.health_cmd import health
from tests.health.conftest import Registry

app = typer.Typer()
app.command()(health)


@pytest.fixture
def env(registry: Registry, shared_data: Path, tmp_path: Path) -> dict[str, str]:
    for document in (shared_data / "registry" / "pypi").glob("*.json"):
        registry.add(f"/pypi/{document.stem}/json", document.read_bytes())
    return {
        "OSSWATCH_PYPI_URL": registry.url,
        "OSSWATCH_DEPSDEV_URL": registry.url,
        "OSSWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}",
        "COLUMNS": "200",
    }


def test_json_output_sorted_by_risk_with_summary(env: dict[str, str], shared_data: Path) -> None:
    lock = shared_data / "lockfiles" / "itu-p1203" / "poetry.lock"
    result = CliRunner().invoke(app, [str(lock), "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    names = {p["name"] for p in tomllib.loads(lock.read_text())["package"]}
    assert {c["name"] for c in document["components"]} == names
    assert document["summary"]["assessed"] == len(names)
    libyears = [c["health"]["libyear"] for c in document["components"]]
    assert document["summary"]["total_libyears"] == pytest.approx(sum(libyears), abs=0.011)
    unmaintained = [c for c in document["components"] if "unmaintained" in c["health"]["status"]]
    outdated_only = [c for c in document["components"] if c["health"]["status"] == ["outdated"]]
    if unmaintained and outdated_only:
        order = [c["name"] for c in document["components"]]
        assert order.index(unmaintained[0]["name"]) < order.index(outdated_only[0]["name"])
    assert len(document["summary"]["oldest"]) == min(10, len(names))


def test_offline_first_run_lists_missing_then_table_after_online(
    env: dict[str, str], shared_data: Path
) -> None:
    lock = str(shared_data / "lockfiles" / "itu-p1203" / "poetry.lock")
    offline = CliRunner().invoke(app, [lock, "--offline", "--format", "json"], env=env)
    document = json.loads(offline.stdout)
    assert len(document["missing"]) == len(document["components"])
    assert "not in the cache" in offline.stderr
    online = CliRunner().invoke(app, [lock], env=env)
    assert online.exit_code == 0, online.output
    assert "years behind" in online.stdout
    assert "libyears in total" in online.stdout
