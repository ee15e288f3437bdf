"""The charts: inline SVG, identical bytes for identical data, the figures' labels in the drawing."""

from __future__ import annotations

from datetime import UTC, datetime

from osswatch.monitor.overview import TrendPoint, by_severity
from osswatch.report.yearly.charts import libyears_chart, month_labels, open_findings_chart, render_charts

MONTHS = tuple(
    TrendPoint(
        at=datetime(2026, month + 1, 1, tzinfo=UTC),
        open_by_severity=by_severity({"high": month, "low": 2}),
        mean_days_to_remediate=None,
        total_libyears=None if month == 1 else 10.0 - month,
    )
    for month in range(1, 12)
)


def test_charts_are_inline_svg_and_deterministic() -> None:
    first, second = render_charts(MONTHS), render_charts(MONTHS)
    assert first == second
    for svg in first.values():
        assert svg.startswith("<svg")
        assert "<dc:date>" not in svg
        assert "http://" not in svg.replace("http://www.w3.org", "").replace("http://purl.org", "").replace(
            "http://creativecommons.org", ""
        )


def test_charts_name_their_axes_and_months() -> None:
    assert month_labels(MONTHS[:2]) == ["Jan 2026", "Feb 2026"]
    findings = open_findings_chart(MONTHS)
    assert "open findings" in findings
    assert "Nov 2026" in findings
    assert all(level in findings for level in ("critical", "high", "medium", "low", "unknown"))
    assert "total libyears" in libyears_chart(MONTHS)


def test_different_data_draws_a_different_chart() -> None:
    assert open_findings_chart(MONTHS) != open_findings_chart(MONTHS[:-1])
