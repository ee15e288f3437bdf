"""`osswatch report` as users run it: files written, team filter, clear errors and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_app import run_cli
from tests.report.yearly import conftest as yearly

# the yearly report's portfolio (and the real scan results it is built from)
pypi_advisories = yearly.pypi_advisories
advisory_source = yearly.advisory_source
lock_inventory = yearly.lock_inventory
current_result = yearly.current_result
vulnerable_result = yearly.vulnerable_result
history = yearly.history


def test_an_html_report_of_one_team(history: yearly.History, database_url: str, tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.html"
    target.parent.mkdir()
    result = run_cli(
        "report", "--period", "2026", "--team", "secretariat", "--output", str(target),
        "--database-url", database_url,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert f"wrote the 2026 report (html) to {target}" in result.stderr
    html = target.read_text()
    assert "Open source progress report 2026" in html
    assert "secretariat" in html
    assert "elsewhere" not in html


def test_a_pdf_report_of_every_team_under_its_default_name(
    history: yearly.History, database_url: str, tmp_path: Path
) -> None:
    result = run_cli(
        "report",
        "--period",
        "2026-01-01..2026-06-30",
        "-f",
        "pdf",
        "--database-url",
        database_url,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "osswatch-report-2026-01-01..2026-06-30.pdf").read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--period", "2026"), "nothing to report: no project of the portfolio has a snapshot"),
        (("--period", "last year"), "expected a year (2026) or a range"),
        (("--period", "2026", "--team", "nobody"), "no team named 'nobody'"),
    ],
    ids=["empty", "bad-period", "unknown-team"],
)
def test_bad_requests_exit_2_with_one_line(args: tuple[str, ...], message: str, tmp_path: Path) -> None:
    result = run_cli("report", *args, "--database-url", f"sqlite:///{tmp_path / 'empty.db'}", cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.glob("osswatch-report-*")) == []
