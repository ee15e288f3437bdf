"""The report rendered: a self-contained HTML page with the figures in it, and a paged A4 PDF read back."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from osswatch.report.yearly.data import YearlyReport, gather
from osswatch.report.yearly.period import parse_period
from osswatch.report.yearly.render import days, render_html, render_pdf
from tests.report.yearly.conftest import History

NOW = datetime(2027, 1, 5, 8, 30, tzinfo=UTC)
SECTIONS = (
    "Vulnerabilities by severity",
    "Staleness by project",
    "Policy compliance per project",
    "Standards catalog",
)
A4 = (595, 842)  # points


@pytest.fixture
def report(history: History) -> YearlyReport:
    return gather(history.portfolio, parse_period("2026"), team_id=history.team_id, now=NOW)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_html_holds_the_summary_figures_and_every_section(report: YearlyReport) -> None:
    html = render_html(report)
    summary = report.summary
    text = _text(html)
    assert "Open source progress report 2026" in text
    assert "secretariat · 2026-01-01 to 2026-12-31 · generated 2027-01-05 08:30 UTC" in text
    assert f"Vulnerabilities found in the period {summary.findings.found} " in text
    assert f"Vulnerabilities fixed in the period {summary.findings.fixed} " in text
    assert f"Vulnerabilities still open at the end {summary.findings.still_open} " in text
    assert f"Mean time to remediate {days(summary.findings.mean_days)}" in text
    assert f"Total libyears at the end {summary.libyears_end:.2f}" in text
    assert "Change in total libyears over the period +3.50 (from 4.00)" in text
    for title in SECTIONS:
        assert f"<h2>{title}</h2>" in html
    assert "ITU-T P.1203" in html
    assert html.count("<svg") == 2


def test_the_html_is_self_contained_and_escaped(report: YearlyReport) -> None:
    html = render_html(report)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "<link" not in html
    assert "@import" not in html
    assert render_html(report) == html  # same data, same bytes


def test_the_pdf_has_the_summary_on_page_one_and_a_page_per_section(report: YearlyReport) -> None:
    reader = PdfReader(io.BytesIO(render_pdf(report)))
    pages = [page.extract_text() for page in reader.pages]
    assert 1 + len(SECTIONS) <= len(pages) <= 12
    assert "Open source progress report 2026" in pages[0]
    assert "Projects watched" in pages[0]
    assert str(report.summary.findings.found) in pages[0]
    assert all(title not in pages[0] for title in SECTIONS)
    starts = [next(i for i, text in enumerate(pages) if title in text) for title in SECTIONS]
    assert starts == sorted(starts)
    assert len(set(starts)) == len(SECTIONS)  # each on a page of its own
    assert all(f"Page {i} of {len(pages)}" in text for i, text in enumerate(pages, start=1))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == A4
