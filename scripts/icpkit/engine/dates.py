"""Which texts are dates: the one grammar every reader of a date written as text follows.

A date is a real calendar day (year 0001 to 9999, a month 01-12, a day that month has)
written `YYYY-MM-DD` (four digits, two, two: `2026-1-5` is not this form, and is
unreadable), optionally followed by a time of that day after a space or `T`: `HH:MM`,
`HH:MM:SS` or `HH:MM:SS.fff` (1 to 9 digits), each in range (hour 00-23, minutes and seconds
00-59), and optionally a zone after the time (`Z`, `+HH`, `+HHMM`, `+HH:MM`, or `-`; hour
00-23, minutes 00-59). The day is the one written: a time or zone never moves it. Anything
else (`0000-01-01`, `2026-02-30`, `2026-10-20T`, `2026-03-01 25:00`, `20260301`) is not a
date: unknown, and reported unreadable.

The readers: `read_date` here (a company file's typed values, fixtures), the DuckDB macro
`icp_date` of `icpkit.sql.parsing` (`PATTERN`: CSV / Parquet / JSON Lines cells, `--set`),
and the warehouse SQL's `icpkit.sql.ir.iso_date` (`SHAPES`: character tests every dialect
runs). `tests/test_dates.py` holds them to the same answer.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

_TWO_59 = "[0-5][0-9]"
_HOUR = "(?:[01][0-9]|2[0-3])"
#: the grammar as a regular expression (RE2 and Python alike; ASCII digits only)
PATTERN = (
    "[0-9]{4}-[0-9]{2}-[0-9]{2}"
    f"(?:[ T]{_HOUR}:{_TWO_59}(?::{_TWO_59}(?:[.][0-9]{{1,9}})?)?"
    f"(?:Z|[+-]{_HOUR}(?::?{_TWO_59})?)?)?"
)
_PATTERN = re.compile(PATTERN)

#: the forms of the grammar with every digit written `0` (`icpkit.sql.ir.iso_date` tests a
#: text's digits-as-0 against them; the ranges are tested apart)
_TIMES = ("00:00", "00:00:00", *("00:00:00." + "0" * n for n in range(1, 10)))
_ZONES = ("", "Z", "+00", "-00", "+0000", "-0000", "+00:00", "-00:00")
SHAPES = (
    "0000-00-00",
    *(f"0000-00-00{sep}{t}{zone}" for sep in (" ", "T") for t in _TIMES for zone in _ZONES),
)

#: the first and last day a date may be (a DATE column's other days are unknown)
DAY_RANGE = ("0001-01-01", "9999-12-31")


def read_date(text: str) -> dt.date | None:
    """The day `text` (already trimmed) writes in the grammar above, or None."""
    if not _PATTERN.fullmatch(text):
        return None
    try:
        return dt.date(int(text[0:4]), int(text[5:7]), int(text[8:10]))
    except ValueError:  # year 0, month 13, 30 February
        return None


def days_before(as_of: dt.date, days: int) -> dt.date:
    """The day `days` days before `as_of`, or the first day of year 1 where that is earlier
    (no date is): `within_days` / `older_than_days` compare a date with it, and every date
    is on or after 0001-01-01, so the answer is the same and nothing overflows (`--as-of
    0001-06-01` with a 365-day rule)."""
    if (as_of - dt.date.min).days < days:
        return dt.date.min
    return as_of - dt.timedelta(days=days)


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` calendar months after `day` (2025-01-09 and 3:
    2025-04-09), the month's last day where it has fewer days (2025-11-30 and 3:
    2026-02-28), or the last day of year 9999 where that is later (nothing overflows)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if year > dt.MAXYEAR:
        return dt.date.max
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
