"""Parsing `--period`: a year or a range of days, both ends included."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from osswatch.errors import InputError
from osswatch.report.yearly.period import parse_period


def test_a_year_is_the_calendar_year() -> None:
    period = parse_period("2026")
    assert (period.start, period.end, period.label) == (
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2027, 1, 1, tzinfo=UTC),
        "2026",
    )
    assert period.last_day == date(2026, 12, 31)
    assert [m.date() for m in period.month_ends()][::11] == [date(2026, 2, 1), date(2027, 1, 1)]
    assert len(period.month_ends()) == 12


def test_a_range_includes_its_last_day_and_ends_months_at_its_end() -> None:
    period = parse_period(" 2026-01-15..2026-03-10 ")
    assert (period.start.date(), period.last_day, period.label) == (
        date(2026, 1, 15),
        date(2026, 3, 10),
        "2026-01-15..2026-03-10",
    )
    assert [m.date() for m in period.month_ends()] == [date(2026, 2, 1), date(2026, 3, 1), date(2026, 3, 11)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("26", "expected a year \\(2026\\) or a range"),
        ("1969", "1970 or later"),
        ("2026-02-30..2026-03-01", "'2026-02-30' is not a date"),
        ("2026-03-01..2026-02-01", "ends before it starts"),
        ("2026-01-01..", "'' is not a date"),
    ],
    ids=["short", "too-early", "bad-day", "reversed", "open-ended"],
)
def test_bad_periods_are_refused(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_period(text)
