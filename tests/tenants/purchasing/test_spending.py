"""The off-contract spending by supplier and year, and its finance seam."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tenants.purchasing import selectors, services
from tests.tenants.purchasing.conftest import TODAY, days, line_input, off_contract, on_market

pytestmark = pytest.mark.django_db


def test_sent_and_ordered_off_contract_requests_count_excluding_vat(buying):
    buyer = buying["users"]["buyer"]
    off_contract(buying)  # a draft: not spent yet
    sent = services.send_request(off_contract(buying), by=buyer)
    services.order_request(sent, by=buyer)
    services.send_request(
        off_contract(buying, lines=[line_input(buying, quantity=1, unit_price="500")]), by=buyer
    )
    services.cancel_request(services.send_request(off_contract(buying), by=buyer), by=buyer)
    services.send_request(on_market(buying, lines=[line_input(buying, quantity=1)]), by=buyer)
    table = selectors.spending_table()
    assert table.years == [TODAY.year]
    assert [(row.supplier.name, row.amounts) for row in table.rows] == [
        ("Dräger France", [Decimal("1500.00")])
    ]
    assert table.total == Decimal("1500.00")


def test_years_are_columns_from_the_quote_date(buying):
    buyer = buying["users"]["buyer"]
    exception = buying["exception"]
    buying["exception"] = services.update_exception(
        exception,
        services.ExceptionInput(
            code="HM4", supplier=buying["draeger"], valid_from=days(-800), valid_until=days(30)
        ),
        by=buyer,
    )
    services.send_request(off_contract(buying, quote_date=days(-400)), by=buyer)
    services.send_request(off_contract(buying), by=buyer)
    table = selectors.spending_table()
    assert table.years == sorted({days(-400).year, TODAY.year})
    assert table.total == Decimal("2000.00")


def test_the_finance_seam_adds_its_amounts(buying, monkeypatch):
    supplier = buying["maquet"]
    monkeypatch.setattr(
        selectors,
        "SPENDING_SOURCES",
        [*selectors.SPENDING_SOURCES, lambda: {(supplier.pk, 2020): Decimal("42.00")}],
    )
    table = selectors.spending_table()
    assert 2020 in table.years
    row = next(row for row in table.rows if row.supplier == supplier)
    assert row.amounts[table.years.index(2020)] == Decimal("42.00")
