"""Attacks on the markets' pages: every form field hostile in turn, other tenants' ids, and
people who may read the markets (or not even that) trying the buyers' changes."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.markets import services
from tenants.markets.models import Lot, Market, MarketUse
from tests.conftest import B_MARKER, client_for, host_of
from tests.fuzzing import HOSTILE, Form, form_on, fuzz
from tests.tenants.markets.conftest import SECOND_ENTITY, central, clients, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def made(tenant, people):  # type: ignore[no-untyped-def]
    with tenant_context(tenant):
        market = local(people)
        lot = services.create_lot(
            market,
            {"number": "1", "title": "Lot", "suppliers": "Maquet\nDräger"},
            by=people["users"]["buyer"],
            expected_version=market.version,
        )
        use = services.set_use(
            market,
            legal_entity_finess=SECOND_ENTITY,
            lot=None,
            local_reference="R1",
            by=people["users"]["buyer"],
        )
        followed = central()
    return {"market": market, "lot": lot, "use": use, "central": followed}


def _form(client, url: str, action: str = "") -> Form:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return form_on(response.content.decode(), action)


def test_hostile_posts_to_every_market_form(tenant, people, made):
    buyer = clients(tenant, people)["buyer"]
    market, lot = made["market"], made["lot"]
    base = _form(buyer, "/markets/new/") | {"reference": "AO-1", "title": "Échographes"}
    fuzz(buyer, "/markets/new/", base)
    edit = f"/markets/{market.pk}/edit/"
    fuzz(buyer, edit, _form(buyer, edit), fresh=lambda: _form(buyer, edit))
    new_lot = f"/markets/{market.pk}/lots/new/"
    base = _form(buyer, new_lot) | {"number": "9", "title": "T", "suppliers": "Maquet"}
    fuzz(buyer, new_lot, base, fresh=lambda: _form(buyer, new_lot) | {"number": "9"})
    lot_edit = f"/markets/lots/{lot.pk}/edit/"
    fuzz(buyer, lot_edit, _form(buyer, lot_edit), fresh=lambda: _form(buyer, lot_edit))
    detail = f"/markets/{market.pk}/"
    uses = f"/markets/{market.pk}/uses/"
    fuzz(buyer, uses, _form(buyer, detail, "uses"), fresh=lambda: _form(buyer, detail, "uses"))
    with tenant_context(tenant):
        use = MarketUse.objects.filter(market=market).first()
    assert use is not None
    change = f"/markets/uses/{use.pk}/"
    fuzz(buyer, change, {f"use{use.pk}-local_reference": "R2", "action": "save"})
    for months in HOSTILE:
        # A NUL byte in a URL is turned away (400) before any view.
        expected = 400 if "\x00" in months else 200
        assert buyer.get("/markets/plan/", {"months": months}).status_code == expected
    for name in ("q", "state", "origin", "sort", "page", "export", "columns", "ends_before"):
        for value in HOSTILE:
            response = buyer.get("/markets/", {name: value})
            assert response.status_code < 500, (name, repr(value[:20]))
    fuzz(buyer, f"/markets/lots/{lot.pk}/delete/", {"version": "999999999"})


@pytest.mark.parametrize("name", ["requester", "pole_head", "expert", "finance", "viewer"])
def test_who_is_not_a_buyer_changes_no_market(tenant, people, made, name):
    client = clients(tenant, people)[name]
    market, lot, use = made["market"], made["lot"], made["use"]
    with tenant_context(tenant):
        before = (Market.objects.count(), Lot.objects.count(), MarketUse.objects.count())
        version = Market.objects.get(pk=market.pk).version
    posts = {
        "/markets/new/": {"reference": "AO-X", "title": "X"},
        f"/markets/{market.pk}/edit/": {"reference": "AO-X", "title": "X", "version": version},
        f"/markets/{market.pk}/lots/new/": {"number": "7", "title": "X", "version": version},
        f"/markets/lots/{lot.pk}/edit/": {"number": "7", "title": "X", "version": version},
        f"/markets/lots/{lot.pk}/delete/": {"version": version},
        f"/markets/{market.pk}/uses/": {"use-legal_entity_finess": SECOND_ENTITY},
        f"/markets/uses/{use.pk}/": {"action": "remove"},
    }
    for url, data in posts.items():
        response = client.post(url, data)
        assert response.status_code in (403, 404), (name, url, response.status_code)
    with tenant_context(tenant):
        after = (Market.objects.count(), Lot.objects.count(), MarketUse.objects.count())
        assert after == before
        assert Market.objects.get(pk=market.pk).title == market.title


def test_a_central_market_is_not_changed_from_a_tenant(tenant, people, made):
    buyer = clients(tenant, people)["buyer"]
    followed = made["central"]
    for url in (f"/markets/{followed.pk}/edit/", f"/markets/{followed.pk}/lots/new/"):
        response = buyer.post(url, {"reference": "X", "title": "X", "number": "1", "version": 1})
        assert response.status_code == 404, url
    with tenant_context(tenant):
        assert Market.objects.get(pk=followed.pk).title == followed.title


def test_another_tenant_s_markets_lots_and_uses_are_not_found(tenant, other_tenant, people, made):
    buyer = clients(tenant, people)["buyer"]
    with tenant_context(other_tenant):
        markets = list(Market.objects.values_list("pk", flat=True))
        lots = list(Lot.objects.values_list("pk", flat=True))
        uses = list(MarketUse.objects.values_list("pk", flat=True))
    assert markets and lots and uses
    with tenant_context(tenant):
        mine = set(Market.objects.values_list("pk", flat=True))
        my_lots = set(Lot.objects.values_list("pk", flat=True))
        my_uses = set(MarketUse.objects.values_list("pk", flat=True))
    for pk in [p for p in markets if p not in mine] + [99_999_999]:
        for path in ("", "edit/", "lots/new/"):
            response = buyer.get(f"/markets/{pk}/{path}")
            assert response.status_code == 404, (pk, path)
        assert buyer.post(f"/markets/{pk}/uses/", {}).status_code == 404
    for pk in [p for p in lots if p not in my_lots] + [99_999_999]:
        assert buyer.get(f"/markets/lots/{pk}/edit/").status_code == 404
        assert buyer.post(f"/markets/lots/{pk}/delete/", {"version": 1}).status_code == 404
    for pk in [p for p in uses if p not in my_uses] + [99_999_999]:
        assert buyer.post(f"/markets/uses/{pk}/", {"action": "remove"}).status_code == 404
    for url in ("/markets/", "/markets/plan/", f"/markets/{made['market'].pk}/"):
        assert B_MARKER not in buyer.get(url).content.decode()
    with tenant_context(other_tenant):
        assert MarketUse.objects.count() == len(uses)
    on_b = client_for(host_of(other_tenant), people["users"]["buyer"], tenant)
    for pk in markets:
        response = on_b.post(f"/markets/{pk}/edit/", {"title": "X"})
        assert response.status_code in (302, 403, 404)
        assert B_MARKER not in response.content.decode()
