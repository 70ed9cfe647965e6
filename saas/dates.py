"""Calendar arithmetic in months, one implementation for the whole project.

``add_months`` moves a day so many months on (the month's last day when it has no such day:
31/01 + 1 month is 28/02). ``period_end`` is the last day of a period of so many months, by
the French civil-law reckoning: the day before the same day so many months later (01/01/2027
for 12 months ends 31/12/2027) and, when that month has no such day, that month's last day
(31/01/2027 or 30/01/2027 for 1 month end 28/02/2027; 31/03 for 1 month ends 30/04).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (earlier when negative), clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def period_end(starts: date, months: int) -> date:
    """The last day of a period of ``months`` months from ``starts`` (see the module's doc)."""
    index = starts.year * 12 + starts.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    if starts.day > last:
        return date(year, month + 1, last)
    return date(year, month + 1, starts.day) - timedelta(days=1)


def end_of(
    starts: date | None,
    duration_months: int | None,
    renewals: int | None = 0,
    renewal_months: int | None = None,
) -> date | None:
    """A market's (or lot's) last day, every renewal included: None without a start or a
    duration. Each renewal adds ``renewal_months`` (none without a renewal length)."""
    if starts is None or not duration_months:
        return None
    return period_end(starts, duration_months + (renewals or 0) * (renewal_months or 0))
