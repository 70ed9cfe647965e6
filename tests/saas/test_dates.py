"""Month arithmetic (saas.dates): pure functions, no database."""

from datetime import date as D

from saas.dates import add_months, end_of, period_end


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert add_months(D(2027, 1, 15), 1) == D(2027, 2, 15)
    assert add_months(D(2027, 1, 31), 1) == D(2027, 2, 28)
    assert add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)
    assert add_months(D(2027, 3, 31), 1) == D(2027, 4, 30)
    assert add_months(D(2027, 1, 1), 12) == D(2028, 1, 1)
    assert add_months(D(2027, 1, 31), -2) == D(2026, 11, 30)
    assert add_months(D(2027, 1, 1), -13) == D(2025, 12, 1)


def test_a_period_ends_the_day_before_the_same_day_or_on_the_months_last():
    # French civil-law reckoning: the day before the same day N months later; when that month
    # has no such day, its last day.
    assert period_end(D(2027, 1, 1), 12) == D(2027, 12, 31)
    assert period_end(D(2027, 1, 31), 1) == D(2027, 2, 28)
    assert period_end(D(2027, 1, 30), 1) == D(2027, 2, 28)
    assert period_end(D(2027, 1, 29), 1) == D(2027, 2, 28)
    assert period_end(D(2027, 1, 28), 1) == D(2027, 2, 27)
    assert period_end(D(2028, 1, 30), 1) == D(2028, 2, 29)
    assert period_end(D(2027, 3, 31), 1) == D(2027, 4, 30)
    assert period_end(D(2027, 3, 30), 1) == D(2027, 4, 29)
    assert period_end(D(2027, 12, 15), 1) == D(2028, 1, 14)


def test_end_of_counts_the_renewals():
    assert end_of(D(2027, 1, 1), 12, 3, 12) == D(2030, 12, 31)
    assert end_of(D(2027, 1, 31), 1, 2, None) == D(2027, 2, 28)  # no renewal length: none
    assert end_of(None, 12) is None and end_of(D(2027, 1, 1), None) is None
