"""The period a report covers: a calendar year (`2026`) or a range of dates (`2026-01-01..2026-06-30`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from osswatch.errors import InputError

_YEAR = re.compile(r"\d{4}")


@dataclass(frozen=True, kw_only=True, slots=True)
class Period:
    """From `start` (included) to `end` (excluded), both at midnight UTC; `label` is how it was asked for."""

    start: datetime
    end: datetime
    label: str

    @property
    def last_day(self) -> date:
        """The last day the period covers."""
        return (self.end - timedelta(days=1)).date()

    def month_ends(self) -> tuple[datetime, ...]:
        """The first moment after each month (or part of one) in the period, the period's end last."""
        moments = []
        moment = self.start
        while moment < self.end:
            moment = min(_next_month(moment), self.end)
            moments.append(moment)
        return tuple(moments)


def parse_period(text: str) -> Period:
    """A Period from `YYYY` or `YYYY-MM-DD..YYYY-MM-DD` (both days included); InputError otherwise."""
    text = text.strip()
    if _YEAR.fullmatch(text):
        year = int(text)
        if year < 1970:
            raise InputError(f"--period {text}: the year must be 1970 or later")
        return Period(start=_midnight(date(year, 1, 1)), end=_midnight(date(year + 1, 1, 1)), label=text)
    first, separator, last = text.partition("..")
    if not separator:
        raise InputError(f"--period {text!r}: expected a year (2026) or a range (2026-01-01..2026-06-30)")
    start, end = _day(first, text), _day(last, text)
    if end < start:
        raise InputError(f"--period {text}: the range ends before it starts")
    return Period(start=_midnight(start), end=_midnight(end + timedelta(days=1)), label=f"{start}..{end}")


def _day(value: str, text: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError as e:
        raise InputError(f"--period {text}: {value.strip()!r} is not a date (YYYY-MM-DD)") from e


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _next_month(moment: datetime) -> datetime:
    year, month = divmod(moment.year * 12 + moment.month, 12)  # month is 0-based here
    return datetime(year, month + 1, 1, tzinfo=UTC)


__all__ = ["Period", "parse_period"]
