"""The format table: every format renders every result; shared facts agree across formats."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from osswatch.model import Level, Location, Verdict, Violation
from osswatch.report.base import (
    RENDERERS,
    PolicyIndex,
    ReportFormat,
    ReportOptions,
    relative_path,
    render,
    reporter_for,
)
from tests.report.scan_results import NOW, OLD_WEB, VEX_NOT_REACHABLE, hostile_result, scanned, with_verdict


def test_the_table_names_every_format_and_nothing_else() -> None:
    assert set(RENDERERS) == set(ReportFormat)
    assert [f.value for f in ReportFormat] == [
        "table",
        "json",
        "sarif",
        "markdown",
        "html",
        "cyclonedx",
        "vex",
        "openvex",
    ]


@pytest.mark.parametrize("output_format", list(ReportFormat), ids=[f.value for f in ReportFormat])
def test_every_format_renders_real_and_hostile_results(output_format: ReportFormat) -> None:
    options = ReportOptions(root=OLD_WEB, now=NOW)
    for result in (
        scanned(OLD_WEB / "poetry.lock"),
        with_verdict(scanned(OLD_WEB / "poetry.lock")),
        hostile_result(),
    ):
        text = reporter_for(output_format)(result, options)
        assert text.strip()
        if output_format not in (ReportFormat.CYCLONEDX, ReportFormat.VEX):  # those get a fresh serial
            assert text == render(result, output_format, options)
        if output_format in (ReportFormat.JSON, ReportFormat.SARIF, ReportFormat.CYCLONEDX, ReportFormat.VEX):
            json.loads(text)


def test_json_document_carries_findings_and_verdict() -> None:
    result = with_verdict(scanned(OLD_WEB / "poetry.lock"))
    assert result.verdict is not None
    document = json.loads(render(result, ReportFormat.JSON, ReportOptions(now=NOW)))
    assert document["schema"] == "osswatch/1"
    assert document["generated_at"] == "2026-01-02T03:04:05Z"
    assert [f["id"] for f in document["vulnerabilities"]] == [f.id for f in result.findings]
    verdict = document["verdict"]
    assert verdict["passed"] is False
    assert verdict["counts"] == {level.value: result.verdict.count(level) for level in Level}
    assert len(verdict["violations"]) == len(result.verdict.violations)
    suppressed = [v for v in verdict["violations"] if v["suppressed"]]
    assert {v["suppressed"]["kind"] for v in suppressed} == {"vex", "waiver"}


def test_importing_the_table_loads_no_renderer() -> None:
    code = (
        "import sys, osswatch.report.base; "
        "print(sorted(m for m in sys.modules"
        " if m.startswith('osswatch.report.') and not m.endswith('.base')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize(
    ("path", "root", "expected"),
    [
        ("/r/a/poetry.lock", "/r", "a/poetry.lock"),
        ("/elsewhere/poetry.lock", "/r", "/elsewhere/poetry.lock"),
        ("a\\b\\uv.lock", None, "a/b/uv.lock"),
        ("poetry.lock", None, "poetry.lock"),
    ],
    ids=["inside", "outside", "windows", "no-root"],
)
def test_relative_path(path: str, root: str | None, expected: str) -> None:
    assert relative_path(Location(path=path), Path(root) if root else None) == expected


def test_suppression_and_level_of_a_finding() -> None:
    finding = scanned(OLD_WEB / "poetry.lock").findings[0]
    warn = Violation(rule_id="w", level=Level.WARN, message="m", finding=finding)
    fail = Violation(rule_id="f", level=Level.FAIL, message="m", finding=finding)
    vexed = Violation(
        rule_id="v", level=Level.FAIL, message="m", finding=finding, suppressed=VEX_NOT_REACHABLE
    )
    assert PolicyIndex(None).level(finding) is None
    assert PolicyIndex(Verdict(violations=(warn, fail))).level(finding) is Level.FAIL
    assert PolicyIndex(Verdict(violations=(vexed,))).level(finding) is None
    assert PolicyIndex(Verdict(violations=(vexed,))).suppression(finding) == VEX_NOT_REACHABLE
    assert PolicyIndex(Verdict(violations=(vexed, warn))).suppression(finding) is None
    assert PolicyIndex(Verdict()).suppression(finding) is None
