"""Charts as inline SVG, built by hand: a sparkline per project and line charts for the trends page.

Pure functions from numbers to SVG text: no plotting library at request time, nothing fetched by the
browser, and the page stays readable offline. Each chart is `role="img"` with a title; the pages put the
same numbers in a table next to it for screen readers. Colours come from CSS classes (`series-<n>`), so
the stylesheet keeps them at a readable contrast. A missing value (None) breaks the line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from markupsafe import Markup

_WIDTH, _HEIGHT = 640, 240
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 16, 16, 40


def _runs(points: Sequence[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Unbroken runs of points: None ends a run."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            runs.append([])
        else:
            runs[-1].append(point)
    return [run for run in runs if run]


def _path(run: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in run)


def _top(values: Sequence[float | None]) -> float:
    present = [v for v in values if v is not None]
    highest = max(present, default=0.0)
    return highest if highest > 0 else 1.0


def sparkline(values: Sequence[float | None], *, label: str, width: int = 96, height: int = 24) -> Markup:
    """A small line of `values` (oldest first), scaled to its own maximum; `label` names it for readers."""
    top = _top(values)
    step = width / max(len(values) - 1, 1)
    points = [
        None if v is None else (i * step, height - 2 - (v / top) * (height - 4)) for i, v in enumerate(values)
    ]
    lines = "".join(
        f'<polyline class="spark" fill="none" points="{_path(run)}"/>'
        if len(run) > 1
        else f'<circle class="spark-dot" cx="{run[0][0]:.1f}" cy="{run[0][1]:.1f}" r="1.5"/>'
        for run in _runs(points)
    )
    return Markup(  # noqa: S704  (every text in it went through escape())
        f'<svg class="sparkline" role="img" aria-label="{escape(label)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{escape(label)}</title>{lines}</svg>'
    )


def line_chart(
    series: Mapping[str, Sequence[float | None]], labels: Sequence[str], *, title: str, unit: str
) -> Markup:
    """A line chart of named `series` over the x `labels` (oldest first), y from zero, with a legend."""
    plot_w, plot_h = _WIDTH - _LEFT - _RIGHT, _HEIGHT - _TOP - _BOTTOM
    top = _top([v for values in series.values() for v in values])
    step = plot_w / max(len(labels) - 1, 1)

    def at(i: int, value: float) -> tuple[float, float]:
        return _LEFT + i * step, _TOP + plot_h - (value / top) * plot_h

    parts = [_grid(top, plot_w, plot_h, unit), _x_labels(labels, step, plot_h)]
    for n, (name, values) in enumerate(series.items()):
        points = [None if v is None else at(i, v) for i, v in enumerate(values)]
        for run in _runs(points):
            if len(run) > 1:
                parts.append(f'<polyline class="line series-{n}" fill="none" points="{_path(run)}"/>')
            parts.extend(
                f'<circle class="dot series-{n}" cx="{x:.1f}" cy="{y:.1f}" r="2.5"/>' for x, y in run
            )
        parts.append(_legend_item(n, name))
    return Markup(  # noqa: S704  (every text in it went through escape())
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {_WIDTH} {_HEIGHT}" '
        f'preserveAspectRatio="xMidYMid meet"><title>{escape(title)}</title>{"".join(parts)}</svg>'
    )


def _grid(top: float, plot_w: int, plot_h: int, unit: str) -> str:
    lines = []
    for k in range(5):
        value = top * k / 4
        y = _TOP + plot_h - plot_h * k / 4
        text = f"{value:.0f}" if top >= 4 else f"{value:.2f}"
        lines.append(
            f'<line class="grid" x1="{_LEFT}" x2="{_LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="axis" x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{text}</text>'
        )
    lines.append(
        f'<text class="axis" x="12" y="{_TOP + plot_h / 2:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 12 {_TOP + plot_h / 2:.1f})">{escape(unit)}</text>'
    )
    return "".join(lines)


def _x_labels(labels: Sequence[str], step: float, plot_h: int) -> str:
    every = max(1, len(labels) // 6)
    y = _TOP + plot_h + 16
    return "".join(
        f'<text class="axis" x="{_LEFT + i * step:.1f}" y="{y}" text-anchor="middle">{escape(label)}</text>'
        for i, label in enumerate(labels)
        if i % every == 0 or i == len(labels) - 1
    )


def _legend_item(n: int, name: str) -> str:
    x = _LEFT + n * 110
    y = _HEIGHT - 8
    return (
        f'<line class="line series-{n}" x1="{x}" x2="{x + 16}" y1="{y - 4}" y2="{y - 4}"/>'
        f'<text class="legend" x="{x + 20}" y="{y}">{escape(name)}</text>'
    )


__all__ = ["line_chart", "sparkline"]
