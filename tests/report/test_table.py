"""The terminal scan report: severity groups, fixes as commands, violations, and the closing line."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from osswatch.model import Inventory, Level, Verdict, Violation
from osswatch.report.base import ReportOptions
from osswatch.report.table import closing_line, fix_text, render_scan_text, severity_groups
from osswatch.scan import ScanResult
from tests.report.scan_results import HOSTILE_NAME, OLD_WEB, P1203, hostile_result, scanned, with_verdict


def _text(result: ScanResult) -> str:
    return render_scan_text(result, ReportOptions(root=OLD_WEB))


def test_findings_are_grouped_worst_first_with_every_finding_once() -> None:
    result = scanned(OLD_WEB / "poetry.lock")
    groups = severity_groups(result.findings)
    order = ["critical", "high", "medium", "low", "none", "unknown"]
    assert [level for level, _ in groups] == sorted((level for level, _ in groups), key=order.index)
    assert sorted(f.id for _, group in groups for f in group) == sorted(f.id for f in result.findings)
    text = _text(result)
    headings = [line.split()[0].lower() for line in text.splitlines() if re.match(r"^[A-Z]+ \(\d+\)$", line)]
    assert headings == [level for level, _ in groups]


def test_fixes_read_as_upgrade_commands() -> None:
    result = scanned(OLD_WEB / "poetry.lock")
    requests = next(f for f in result.findings if f.component.name == "requests")
    assert fix_text(requests) == f"upgrade requests 2.25.1 → {requests.fixed_in[0]}"
    assert fix_text(requests) in _text(result)
    unfixed = scanned(P1203 / "poetry.lock").findings[0]
    assert fix_text(unfixed) == "no fix yet"


def test_the_last_line_is_the_closing_line_with_counts_and_next_action() -> None:
    result = with_verdict(scanned(OLD_WEB / "poetry.lock"))
    assert result.verdict is not None
    last = _text(result).rstrip().splitlines()[-1]
    assert last == closing_line(result)
    fails, warns = result.verdict.count(Level.FAIL), result.verdict.count(Level.WARN)
    assert last.startswith(f"FAILED: {fails} fail, {warns} warn (2 suppressed). Next: upgrade ")


def test_other_violations_are_listed_and_vulnerability_ones_are_not_repeated() -> None:
    text = _text(with_verdict(scanned(OLD_WEB / "poetry.lock")))
    assert "license-unknown" in text
    assert "upgrade chardet 4.0.0 → 5.2.0" in text
    assert "vulnerability-high" not in text
    assert "vex: we never call where()" in text


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (ScanResult(inventory=Inventory(), findings=()), "No known vulnerabilities in 0 components."),
        (
            ScanResult(inventory=Inventory(), findings=(), verdict=Verdict()),
            "PASSED: 0 fail, 0 warn.",
        ),
        (
            ScanResult(
                inventory=Inventory(),
                findings=(),
                verdict=Verdict(
                    violations=(
                        Violation(rule_id="stale", level=Level.WARN, message="old", remediation="bump x"),
                    )
                ),
            ),
            "PASSED: 0 fail, 1 warn. Next: bump x.",
        ),
        (
            ScanResult(
                inventory=Inventory(),
                findings=(),
                verdict=Verdict(violations=(Violation(rule_id="license", level=Level.FAIL, message="GPL"),)),
            ),
            "FAILED: 1 fail, 0 warn. Next: license: GPL.",
        ),
    ],
    ids=["nothing", "passed-clean", "warn-with-advice", "fail-without-advice"],
)
def test_closing_line_cases(result: ScanResult, expected: str) -> None:
    assert closing_line(result) == expected


def test_closing_line_names_the_unfixable_when_nothing_can_be_upgraded() -> None:
    result = scanned(P1203 / "poetry.lock")
    finding = result.findings[0]
    assert closing_line(result).endswith(
        f"Next: no fix yet for {finding.id} in {finding.component.name}: "
        "review it and record a waiver or VEX."
    )


def test_markup_in_names_is_shown_verbatim() -> None:
    text = render_scan_text(hostile_result(), ReportOptions())
    assert HOSTILE_NAME in text
    result = hostile_result()
    finding = result.findings[0]
    rich_markup = "[red]boom[/red]"
    renamed = replace(finding, component=replace(finding.component, name=rich_markup))
    assert rich_markup in render_scan_text(
        ScanResult(inventory=Inventory(), findings=(renamed,)), ReportOptions()
    )
