"""The pull-request comment: summary first, details folded, fixes listed, escaped, under the limit."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from osswatch.model import AdvisoryId, Inventory
from osswatch.remediation import fix_plan
from osswatch.report.base import ReportOptions
from osswatch.report.markdown import GITHUB_COMMENT_LIMIT, md, render_markdown, truncated
from osswatch.report.table import closing_line
from osswatch.scan import ScanResult
from tests.report.scan_results import HOSTILE_NAME, OLD_WEB, hostile_result, scanned, with_verdict


def test_summary_comes_first_then_fixes_then_folded_details() -> None:
    result = with_verdict(scanned(OLD_WEB / "poetry.lock"))
    text = render_markdown(result, ReportOptions())
    lines = text.splitlines()
    assert lines[0] == "## osswatch scan: ❌ failed"
    assert md(closing_line(result)) in lines[2]
    assert text.index("### Fixes") < text.index("<details>")
    for upgrade in fix_plan(result).upgrades:
        assert f"- [ ] {md(upgrade.action)} — clears" in text
    assert text.count("<details>") == text.count("</details>")
    for finding in result.findings:
        assert f"(https://osv.dev/vulnerability/{finding.id})" in text


def test_without_a_verdict_the_title_has_no_outcome() -> None:
    text = render_markdown(scanned(OLD_WEB / "poetry.lock"), ReportOptions())
    assert text.splitlines()[0] == "## osswatch scan"


def test_hostile_text_cannot_open_html_or_break_tables() -> None:
    text = render_markdown(hostile_result(), ReportOptions())
    assert HOSTILE_NAME not in text
    assert "<script>" not in text
    assert "<img" not in text
    assert "&lt;script&gt;" in text
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert rows
    for row in rows:
        # A row of the six-column findings table: seven unescaped separators, whatever the cells hold.
        assert row.replace("\\|", "").count("|") == 7


def test_a_huge_report_is_cut_under_githubs_limit_with_a_note() -> None:
    base = scanned(OLD_WEB / "poetry.lock")
    finding = base.findings[0]
    many = tuple(
        replace(finding, advisory_ids=(AdvisoryId(f"PYSEC-9999-{i}"),), summary="x" * 200)
        for i in range(2000)
    )
    text = render_markdown(ScanResult(inventory=Inventory(), findings=many), ReportOptions())
    assert len(text) <= GITHUB_COMMENT_LIMIT
    assert text.rstrip().endswith("run `osswatch scan --format html` for all of it.")
    assert text.count("<details>") == text.count("</details>")


@given(st.text(max_size=300), st.integers(min_value=200, max_value=400))
def test_truncation_always_fits(text: str, limit: int) -> None:
    cut = truncated(text, limit)
    assert len(cut) <= limit or cut == text
    if len(text) <= limit:
        assert cut == text


@given(st.text(max_size=200))
def test_escaped_text_has_no_raw_markup(text: str) -> None:
    escaped = md(text)
    assert "<" not in escaped
    assert "\n" not in escaped
    assert "|" not in escaped.replace("\\|", "")
