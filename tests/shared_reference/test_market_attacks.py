"""Attacks on the central markets as the sync applies them: a malformed page (missing keys,
wrong types, values the database refuses) is refused as a whole with UnexpectedAnswer, never
an unforeseen crash nor a half-applied page."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.markets.models import Lot, Market, PurchasingBody
from tenants.mirror import sync
from tenants.mirror.client import UnexpectedAnswer
from tests.tenants.markets.test_sync import body, lot, market

MALFORMED = {
    "market without its body": lambda: market(purchasing_body=None) | {"payload": {"title": "x"}},
    "payload not an object": lambda: market() | {"payload": ["market"]},
    "no seq": lambda: {k: v for k, v in market().items() if k != "seq"},
    "no operation": lambda: {k: v for k, v in market().items() if k != "operation"},
    "no entity uuid": lambda: {k: v for k, v in market().items() if k != "entity_uuid"},
    "duration too large for the database": lambda: market(duration_months="99999999999"),
    "amount too large for the database": lambda: market(max_amount="1e400"),
    "amount not a number": lambda: market(max_amount="NaN"),
    "amount infinite": lambda: market(max_amount="Infinity"),
    "NUL in a document title": lambda: market(
        documents=[{"uuid": "6f1c1fbe-8c6b-4a7b-9a51-0b3f2a7c9d10", "title": "a\x00b"}]
    ),
    "lot without its market": lambda: lot() | {"payload": {"number": "1"}},
    "change not an object": lambda: "market",
}


@pytest.fixture
def inside(tenant):
    with tenant_context(tenant):
        yield tenant


@pytest.mark.parametrize("name", MALFORMED)
def test_a_malformed_market_page_is_refused_whole(inside, name):
    with pytest.raises(UnexpectedAnswer):
        sync.apply_changes([body(), MALFORMED[name]()])  # type: ignore[list-item]
    assert not PurchasingBody.objects.filter(name="UGAP").exists()
    assert not Market.objects.filter(title="Monitorage").exists()
    assert not Lot.objects.exists()
