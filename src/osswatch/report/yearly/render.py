"""The yearly report as one self-contained HTML page (inline CSS and SVG), and as a PDF made from it.

The templates are package data (`templates/`); autoescaping is on, and only the charts (SVG we drew
ourselves) go in unescaped. The page fetches nothing: WeasyPrint gets a URL fetcher that refuses every URL,
so a stray link can never reach the network. The PDF is A4 with page numbers, the summary on page 1 and
each section on a new page (`report.css`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from osswatch import __version__
from osswatch.errors import OsswatchError
from osswatch.report.yearly.charts import render_charts
from osswatch.report.yearly.data import YearlyReport

if TYPE_CHECKING:
    from jinja2 import Environment

_NONE = "—"


def render_html(report: YearlyReport) -> str:
    """The report as one HTML document."""
    template = _environment().get_template("report.html.j2")
    return template.render(report=report, charts=render_charts(report.months), version=__version__)


def render_pdf(report: YearlyReport) -> bytes:
    """The report as a PDF, laid out by WeasyPrint from the HTML."""
    from weasyprint import HTML

    document = HTML(string=render_html(report), url_fetcher=_refuse, base_url=".")
    pdf: bytes = document.write_pdf()
    return pdf


def _refuse(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    raise OsswatchError(f"the report must not fetch anything, but asked for {url}")


def _environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    environment = Environment(
        loader=PackageLoader("osswatch.report.yearly", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(days=days, share=share, number=number, signed=signed, verdict=verdict)
    environment.globals["change"] = change
    return environment


def days(value: float | None) -> str:
    """Days with one decimal, or a dash."""
    return _NONE if value is None else f"{value:.1f} days"


def share(value: float | None) -> str:
    """A 0..1 share as a percentage, or a dash."""
    return _NONE if value is None else f"{value * 100:.0f}%"


def number(value: float | None) -> str:
    """A number with two decimals, or a dash."""
    return _NONE if value is None else f"{value:.2f}"


def signed(value: float | None) -> str:
    """A change with its sign, or a dash."""
    return _NONE if value is None else f"{value:+.2f}"


def verdict(value: bool | None) -> str:
    """A policy outcome in words."""
    return "no policy" if value is None else ("passed" if value else "failed")


def change(start: float | None, end: float | None) -> float | None:
    """`end - start`, None unless both are known."""
    return None if start is None or end is None else end - start


__all__ = ["change", "days", "number", "render_html", "render_pdf", "share", "signed", "verdict"]
