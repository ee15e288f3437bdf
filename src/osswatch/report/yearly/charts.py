"""The yearly report's charts, drawn with matplotlib as inline SVG: the same data gives the same bytes.

No pyplot (no global figure state, no GUI backend): each chart is a bare `Figure` saved as SVG, with a fixed
`svg.hashsalt` (element ids are otherwise random), no date in the metadata, and text kept as text
(`svg.fonttype = none`) so the HTML stays small and the PDF searchable.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from osswatch.monitor.overview import SEVERITIES, TrendPoint

if TYPE_CHECKING:
    from matplotlib.axes import Axes

SEVERITY_COLOURS = {
    "critical": "#a40e26",
    "high": "#cf222e",
    "medium": "#d4a72c",
    "low": "#0969da",
    "unknown": "#8c959f",
}
"""One colour per severity, shared with the report's CSS."""


def month_labels(months: Sequence[TrendPoint]) -> list[str]:
    """A short label per point: the month it closes (a point at 1 Feb 00:00 closes January)."""
    return [(point.at - timedelta(microseconds=1)).strftime("%b %Y") for point in months]


def open_findings_chart(months: Sequence[TrendPoint]) -> str:
    """Stacked bars: open findings by severity at the end of each month."""
    return _draw(_open_findings, months)


def _open_findings(axes: Axes, months: Sequence[TrendPoint]) -> None:
    labels = month_labels(months)
    bottom = [0] * len(months)
    for severity in SEVERITIES:
        heights = [point.open_by_severity.get(severity, 0) for point in months]
        axes.bar(labels, heights, bottom=bottom, label=severity, color=SEVERITY_COLOURS[severity], width=0.7)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    axes.set_ylabel("open findings")
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    axes.tick_params(axis="x", labelrotation=45)


def libyears_chart(months: Sequence[TrendPoint]) -> str:
    """A line: total libyears of the projects' latest snapshots at the end of each month."""
    return _draw(_libyears, months)


def _libyears(axes: Axes, months: Sequence[TrendPoint]) -> None:
    labels = month_labels(months)
    values = [float("nan") if point.total_libyears is None else point.total_libyears for point in months]
    axes.plot(labels, values, marker="o", color="#0969da")
    axes.set_ylabel("total libyears")
    axes.set_ylim(bottom=0)
    axes.tick_params(axis="x", labelrotation=45)


def _draw(draw: Callable[[Axes, Sequence[TrendPoint]], None], months: Sequence[TrendPoint]) -> str:
    import matplotlib
    from matplotlib.figure import Figure

    matplotlib.use("Agg")  # headless, whatever the environment asks for (pyplot is never imported anyway)
    buffer = io.StringIO()
    # styles apply when artists are made, so everything is drawn inside the context
    with matplotlib.rc_context(
        {
            "svg.hashsalt": "osswatch",
            "svg.fonttype": "none",
            "font.family": "DejaVu Sans",
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    ):
        figure = Figure(figsize=(7.0, 3.0), layout="constrained")
        draw(figure.add_subplot(), months)
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "osswatch"})
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # inline: no XML declaration or DOCTYPE


def render_charts(months: Sequence[TrendPoint]) -> dict[str, str]:
    """Every chart of the report by name, as SVG markup."""
    return {"open_findings": open_findings_chart(months), "libyears": libyears_chart(months)}


__all__ = [
    "SEVERITY_COLOURS",
    "libyears_chart",
    "month_labels",
    "open_findings_chart",
    "render_charts",
]
