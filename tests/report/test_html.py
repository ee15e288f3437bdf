"""The HTML page: self-contained (no external asset), escaped everywhere, with the whole report."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from osswatch.remediation import fix_plan
from osswatch.report.base import ReportOptions
from osswatch.report.html import render_html
from osswatch.report.table import closing_line
from tests.report.scan_results import HOSTILE_NAME, NOW, OLD_WEB, P1203, hostile_result, scanned, with_verdict


class _Collector(HTMLParser):
    """Every start tag with its attributes, and the text, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(page: str) -> _Collector:
    collector = _Collector()
    collector.feed(page)
    collector.close()
    return collector


def test_no_external_assets_only_advisory_anchors() -> None:
    result = with_verdict(scanned(OLD_WEB / "poetry.lock"))
    page = render_html(result, ReportOptions(now=NOW))
    assert not re.search(r"""\bsrc\s*=\s*["']?\s*(https?:)?//""", page)
    assert not re.search(r"""<link\b""", page)
    assert "@import" not in page
    assert "url(" not in page
    parsed = _parse(page)
    assert not [tag for tag, _ in parsed.tags if tag in ("script", "img", "iframe", "link", "object")]
    hrefs = [attrs["href"] for tag, attrs in parsed.tags if "href" in attrs]
    assert all(tag == "a" for tag, attrs in parsed.tags if "href" in attrs)
    assert {f"https://osv.dev/vulnerability/{f.id}" for f in result.findings} <= set(hrefs)


def test_the_page_carries_the_closing_line_fixes_and_every_finding() -> None:
    result = with_verdict(scanned(OLD_WEB / "poetry.lock"))
    text = "".join(_parse(render_html(result, ReportOptions(now=NOW))).text)
    assert closing_line(result) in text
    for upgrade in fix_plan(result).upgrades:
        assert upgrade.action in text
    for finding in result.findings:
        assert finding.id in text
    assert "license-unknown" in text


def test_hostile_names_are_escaped_everywhere() -> None:
    page = render_html(hostile_result(), ReportOptions(now=NOW))
    parsed = _parse(page)
    assert [tag for tag, _ in parsed.tags if tag in ("script", "img", "marquee", "i", "details")] == []
    assert HOSTILE_NAME in "".join(parsed.text)
    assert "javascript:" not in page.split("<body>")[1].split("href=")[0]
    assert all(not (attrs.get("href") or "").startswith("javascript") for _, attrs in parsed.tags)


def test_a_result_without_verdict_or_fixes_renders() -> None:
    page = render_html(scanned(P1203 / "poetry.lock"), ReportOptions(now=NOW))
    assert page.startswith("<!DOCTYPE html>")
    assert "no fix yet" in page
