"""A market's dates worked out from its terms: the end of each period, renewals included.

A market runs from ``starts`` for ``duration_months``; each of its ``renewals`` adds
``renewal_months``. A period ends by the French civil-law reckoning (saas.dates.period_end):
the day before the same date so many months later (from 01/01/2027 for 12 months: until
31/12/2027), that month's last day when it has no such date (from 31/01/2027 for one month:
until 28/02/2027). ``ends`` is the last period's end. Pure functions: the services store
``ends``, the market plan asks which period ends next.
"""

from __future__ import annotations

from datetime import date

from saas.dates import period_end


def period_ends(
    starts: date | None,
    duration_months: int | None,
    renewals: int = 0,
    renewal_months: int | None = None,
) -> list[date]:
    """The last day of the first period and of each renewal, in order (empty when the start
    or the duration is unknown)."""
    if starts is None or not duration_months:
        return []
    months = [duration_months + k * (renewal_months or 0) for k in range(renewals + 1)]
    if not renewal_months:
        months = months[:1]
    return [period_end(starts, count) for count in months]
