"""`osswatch catalog` as users run it: import, list, show, validate; JSON shape and exit codes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from osswatch.catalog.load import example_catalog
from osswatch.monitor.portfolio import Portfolio
from tests.cli.test_app import run_cli

WIDE = {"COLUMNS": "200"}
"""A terminal wide enough that rich tables do not wrap their cells."""
ROLES = "['reference_implementation', 'conformance_suite', 'tool']"


def _url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'osswatch.db'}"


def test_import_list_and_show_the_example(tmp_path: Path) -> None:
    url = _url(tmp_path)
    imported = run_cli("catalog", "import", "--database-url", url)
    assert imported.returncode == 0, imported.stderr
    total = sum(len(s.implementations) for s in example_catalog().standards)
    assert imported.stderr.strip() == (
        f"imported {len(example_catalog().standards)} standards and {total} implementations "
        "from example.yaml (the example shipped with osswatch)"
    )
    listed = run_cli("catalog", "list", "--format", "json", "--database-url", url)
    assert listed.returncode == 0, listed.stderr
    document = json.loads(listed.stdout)
    assert list(document) == ["standards"]
    assert [s["id"] for s in document["standards"]] == [s.id for s in example_catalog().standards]
    p1203 = document["standards"][0]
    assert {k: v for k, v in p1203.items() if k != "implementations"} == {
        "id": "ITU-T P.1203",
        "title": example_catalog().standards[0].title,
        "body": "ITU-T",
        "number": "P.1203",
        "url": "https://www.itu.int/rec/T-REC-P.1203",
    }
    (implementation,) = p1203["implementations"]
    assert implementation["repository"] == "https://github.com/itu-p1203/itu-p1203"
    assert implementation["role"] == "reference_implementation"
    assert implementation["project"] == "itu-p1203"
    assert implementation["linked"] is False
    shown = run_cli("catalog", "show", "ITU-T P.1203", "--format", "json", "--database-url", url)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout) == p1203
    table = run_cli("catalog", "list", "--database-url", url, env=WIDE)
    assert table.returncode == 0
    assert "ITU-T H.266.2" in table.stdout
    assert "itu-p1203 (not monitored)" in table.stdout


def test_a_linked_project_shows_as_linked(tmp_path: Path) -> None:
    url = _url(tmp_path)
    assert run_cli("catalog", "import", "--database-url", url).returncode == 0
    portfolio = Portfolio.open(url)
    try:
        team = portfolio.create_team("wallets", now=datetime.now(UTC))
        project = portfolio.create_project(team.id, "credo-ts", now=datetime.now(UTC))
    finally:
        portfolio.close()
    shown = run_cli("catalog", "show", "OpenID4VP 1.0", "--format", "json", "--database-url", url)
    assert shown.returncode == 0, shown.stderr
    (credo,) = json.loads(shown.stdout)["implementations"]
    assert (credo["linked"], credo["project_id"], credo["snapshot_id"]) == (True, project.id, None)
    table = run_cli("catalog", "show", "OpenID4VP 1.0", "--database-url", url, env=WIDE)
    assert "no upload" in table.stdout
    assert "OpenID for Verifiable Presentations 1.0" in table.stdout


def test_an_empty_catalog(tmp_path: Path) -> None:
    listed = run_cli("catalog", "list", "--format", "json", "--database-url", _url(tmp_path))
    assert listed.returncode == 0
    assert json.loads(listed.stdout) == {"standards": []}
    table = run_cli("catalog", "list", "--database-url", _url(tmp_path))
    assert "The catalog is empty" in table.stdout


def test_an_unknown_standard_is_an_input_error(tmp_path: Path) -> None:
    result = run_cli("catalog", "show", "ITU-T X.999", "--database-url", _url(tmp_path))
    assert result.returncode == 2
    assert result.stderr == "osswatch: error: no standard 'ITU-T X.999' in the catalog\n"


def test_a_malformed_file_is_refused_and_the_catalog_kept(tmp_path: Path) -> None:
    url = _url(tmp_path)
    assert run_cli("catalog", "import", "--database-url", url).returncode == 0
    bad = tmp_path / "catalog.yaml"
    bad.write_text(
        "standards:\n  - id: X 1\n    body: X\n    number: '1'\n    title: T\n    url: https://x.org\n"
        "    implementations:\n      - {repository: 'https://github.com/x/y', role: foo}\n",
        encoding="utf-8",
    )
    message = f"osswatch: error: {bad}: standards[0].implementations[0].role: 'foo' is not one of {ROLES}\n"
    for result in (
        run_cli("catalog", "import", str(bad), "--database-url", url),
        run_cli("catalog", "validate", str(bad)),
    ):
        assert result.returncode == 2
        assert result.stderr == message
    listed = run_cli("catalog", "list", "--format", "json", "--database-url", url)
    assert len(json.loads(listed.stdout)["standards"]) == len(example_catalog().standards)


def test_validate_and_import_a_file(tmp_path: Path) -> None:
    good = tmp_path / "catalog.yaml"
    good.write_text(
        "standards:\n  - {id: X 1, body: X, number: '1', title: T, url: 'https://x.org'}\n", encoding="utf-8"
    )
    checked = run_cli("catalog", "validate", str(good))
    assert checked.returncode == 0
    assert checked.stderr.strip() == f"{good}: valid, 1 standards and 0 implementations"
    url = _url(tmp_path)
    assert run_cli("catalog", "import", str(good), "--database-url", url).returncode == 0
    listed = run_cli("catalog", "list", "--format", "json", "--database-url", url)
    assert [s["id"] for s in json.loads(listed.stdout)["standards"]] == ["X 1"]


def test_help_teaches_the_commands() -> None:
    result = run_cli("catalog", "--help")
    assert result.returncode == 0
    for word in ("import", "list", "show", "validate", "docs/catalog.md"):
        assert word in result.stdout
