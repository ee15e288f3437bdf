"""The hand-built SVG charts: well-formed, escaped, scaled, and broken where values are missing."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from osswatch.web.dashboard.charts import line_chart, sparkline

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))


def _points(element: ET.Element) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r"([\d.]+),([\d.]+)", element.attrib["points"])]


def test_sparkline_scales_to_its_maximum() -> None:
    root = _parse(str(sparkline([0.0, 5.0, 10.0], label="open <findings>", width=100, height=24)))
    assert root.attrib["role"] == "img"
    assert root.attrib["aria-label"] == "open <findings>"  # escaped in the text, read back as written
    (line,) = root.iter(f"{SVG}polyline")
    assert _points(line) == [(0.0, 22.0), (50.0, 12.0), (100.0, 2.0)]


def test_sparkline_of_zeros_is_a_flat_line_and_a_gap_breaks_it() -> None:
    flat = _parse(str(sparkline([0.0, 0.0], label="x")))
    assert {y for _, y in _points(next(flat.iter(f"{SVG}polyline")))} == {22.0}
    broken = _parse(str(sparkline([1.0, 2.0, None, 3.0], label="x")))
    assert len(list(broken.iter(f"{SVG}polyline"))) == 1
    assert len(list(broken.iter(f"{SVG}circle"))) == 1  # the lone point after the gap


def test_line_chart_has_a_line_and_legend_per_series() -> None:
    chart = line_chart(
        {"critical": [0.0, 2.0, 4.0], "high & more": [1.0, None, 1.0]},
        ["01-01", "01-02", "01-03"],
        title="Open findings",
        unit="findings",
    )
    root = _parse(str(chart))
    assert root.find(f"{SVG}title") is not None
    legends = [t.text for t in root.iter(f"{SVG}text") if t.attrib.get("class") == "legend"]
    assert legends == ["critical", "high & more"]
    lines = [p for p in root.iter(f"{SVG}polyline")]
    assert [p.attrib["class"] for p in lines] == ["line series-0"]  # series 1 is only single points
    ys = [y for _, y in _points(lines[0])]
    assert ys[0] > ys[1] > ys[2]  # rising values go up the page
    axis = [t.text for t in root.iter(f"{SVG}text") if t.attrib.get("class") == "axis"]
    assert {"4", "0", "01-01", "01-03"} <= set(axis)


def test_line_chart_with_no_values_at_all() -> None:
    root = _parse(str(line_chart({"libyears": [None, None]}, ["a", "b"], title="t", unit="u")))
    assert list(root.iter(f"{SVG}polyline")) == []
