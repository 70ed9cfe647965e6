"""The markets' pages: who sees and changes what, the list's filters and export, the forms,
the market page, the market plan; bad input never gives a 500."""

from __future__ import annotations

import datetime
import re
import uuid
from io import BytesIO

import pytest
from django_tenants.utils import tenant_context

from saas.dates import add_months
from tenants.inventory.models import Device
from tenants.markets import services
from tenants.markets.models import Lot, Market, MarketUse, Supplier
from tenants.mirror.models import ReferenceDeviceModel, ReferenceManufacturer
from tests.tenants.markets.conftest import (
    MANAGES,
    ROLES,
    SECOND_ENTITY,
    SEES,
    central,
    clients,
    local,
    today,
)


def fr(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def market_form(**extra) -> dict:  # type: ignore[no-untyped-def]
    return {
        "reference": "AO-2027-007",
        "title": "Échographes",
        "procedure": "open_tender",
        "notified_on": "15/12/2026",
        "starts": "01/01/2027",
        "duration_months": "24",
        "renewals": "2",
        "renewal_months": "12",
        "renewal_kind": "tacit",
        "min_amount": "1000",
        "max_amount": "250000",
        **extra,
    }


@pytest.mark.parametrize("name", sorted(ROLES))
def test_who_sees_the_markets_and_who_keeps_them(tenant, people, name):
    with tenant_context(tenant):
        market = local(people)
    web = clients(tenant, people)[name]
    expected = 200 if name in SEES else 403
    assert web.get("/markets/").status_code == expected
    assert web.get("/markets/plan/").status_code == expected
    assert web.get(f"/markets/{market.pk}/").status_code == expected
    menu = web.get("/").content.decode()
    # Everyone has the Purchasing menu (the catalogue); the markets' entries, who may see them.
    assert ('href="/markets/"' in menu) == (name in SEES)
    keeps = 200 if name in MANAGES else 403
    assert web.get("/markets/new/").status_code == keeps
    assert web.get(f"/markets/{market.pk}/edit/").status_code == keeps
    assert web.get(f"/markets/{market.pk}/lots/new/").status_code == keeps
    response = web.post(f"/markets/{market.pk}/uses/", {"use-legal_entity_finess": SECOND_ENTITY})
    assert response.status_code == (302 if name in MANAGES else 403)
    page = web.get(f"/markets/{market.pk}/").content.decode() if name in SEES else ""
    assert ("data-edit-market" in page) == (name in MANAGES)


def test_a_buyer_records_a_market_and_its_lot_then_changes_it(tenant, people):
    web = clients(tenant, people)["buyer"]
    response = web.post("/markets/new/", market_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_context(tenant):
        market = Market.objects.get(reference="AO-2027-007")
    assert market.ends == datetime.date(2030, 12, 31) and market.origin == "local"
    lot = web.post(
        f"/markets/{market.pk}/lots/new/",
        {
            "version": market.version,
            "number": "1",
            "title": "Maintenance",
            "scopes": ["maintenance"],
            "suppliers": "GE Healthcare\nPhilips",
        },
    )
    assert lot.status_code == 302
    page = web.get(f"/markets/{market.pk}/").content.decode()
    # Each supplier's name leads to its page (its postal address).
    assert "GE Healthcare, Philips" in re.sub(r"<[^>]+>", "", page) and "Maintenance" in page
    with tenant_context(tenant):
        philips = Supplier.objects.get(name="Philips")
    assert f'href="/markets/suppliers/{philips.pk}/"' in page
    # The form opened before the lot was added is stale now.
    stale = web.post(f"/markets/{market.pk}/edit/", {**market_form(title="Old"), "version": 1})
    assert stale.status_code == 409 and "rechargez" in stale.content.decode()
    with tenant_context(tenant):
        market.refresh_from_db()
    edit = web.get(f"/markets/{market.pk}/edit/").content.decode()
    assert 'value="01/01/2027"' in edit and 'value="AO-2027-007"' in edit
    done = web.post(
        f"/markets/{market.pk}/edit/",
        {**market_form(title="Échographes portables", renewals="0"), "version": market.version},
    )
    assert done.status_code == 302
    with tenant_context(tenant):
        market.refresh_from_db()
        lot_pk = Lot.objects.get().pk
    assert market.title == "Échographes portables" and market.ends == datetime.date(2028, 12, 31)
    assert web.get(f"/markets/lots/{lot_pk}/edit/").status_code == 200
    removed = web.post(f"/markets/lots/{lot_pk}/delete/", {"version": market.version})
    assert removed.status_code == 302
    with tenant_context(tenant):
        assert not Lot.objects.exists()


@pytest.mark.parametrize(
    "extra, field, message",
    [
        ({"duration_months": "", "ends": "31/12/2026"}, "ends", "date de début"),
        ({"min_amount": "9", "max_amount": "1"}, "max_amount", "minimum"),
        ({"renewal_kind": ""}, "renewal_kind", "tacite ou expresse"),
        ({"starts": "30/02/2027"}, "starts", ""),
        ({"duration_months": "9" * 30}, "duration_months", ""),
        ({"max_amount": "9" * 5000}, "max_amount", ""),
        ({"title": "a\x00b"}, "", "«\u00a0title\u00a0»"),  # refused before the view
        ({"buyer": "x" * 50}, "buyer", ""),
    ],
)
def test_a_refused_market_comes_back_with_the_field_named(tenant, people, extra, field, message):
    response = clients(tenant, people)["buyer"].post("/markets/new/", market_form(**extra))
    assert response.status_code == 400
    body = response.content.decode()
    if field:
        assert f'id="id_{field}_error"' in body, body
    assert message in body
    with tenant_context(tenant):
        assert not Market.objects.exists()


def test_a_duplicate_local_reference_is_refused(tenant, people):
    web = clients(tenant, people)["buyer"]
    assert web.post("/markets/new/", market_form()).status_code == 302
    again = web.post("/markets/new/", market_form(reference="ao-2027-007"))
    assert (
        again.status_code == 409
        and "autre marché local a cette référence" in again.content.decode()
    )


def test_a_central_market_shows_read_only_with_its_uses_editable(tenant, people):
    with tenant_context(tenant):
        market = central(reference="UGAP-77")
        lot = Lot.objects.create(market=market, number="3", title="Lot central")
    web = clients(tenant, people)["buyer"]
    page = web.get(f"/markets/{market.pk}/").content.decode()
    assert "data-central-note" in page and "data-edit-market" not in page
    assert "data-new-lot" not in page
    assert web.get(f"/markets/{market.pk}/edit/").status_code == 404
    assert web.get(f"/markets/lots/{lot.pk}/edit/").status_code == 404
    assert web.post(f"/markets/lots/{lot.pk}/delete/", {"version": 1}).status_code == 404
    added = web.post(
        f"/markets/{market.pk}/uses/",
        {
            "use-legal_entity_finess": SECOND_ENTITY,
            "use-lot": lot.pk,
            "use-local_reference": "CHB-2027-12",
        },
    )
    assert added.status_code == 302
    with tenant_context(tenant):
        use = MarketUse.objects.get()
    assert (use.lot_id, use.local_reference) == (lot.pk, "CHB-2027-12")
    page = web.get(f"/markets/{market.pk}/").content.decode()
    assert "CH Beta" in page and 'value="CHB-2027-12"' in page
    changed = web.post(f"/markets/uses/{use.pk}/", {f"use{use.pk}-local_reference": "CHB-13"})
    assert changed.status_code == 302
    with tenant_context(tenant):
        use.refresh_from_db()
    assert use.local_reference == "CHB-13"
    bad = web.post(f"/markets/uses/{use.pk}/", {f"use{use.pk}-local_reference": "x" * 500})
    assert bad.status_code == 302  # told on the page, nothing changed
    unknown = web.post(f"/markets/{market.pk}/uses/", {"use-legal_entity_finess": "123456789"})
    assert unknown.status_code == 400
    viewer = clients(tenant, people)["viewer"]
    assert viewer.post(f"/markets/uses/{use.pk}/", {"action": "remove"}).status_code == 403
    assert web.post(f"/markets/uses/{use.pk}/", {"action": "remove"}).status_code == 302
    with tenant_context(tenant):
        assert not MarketUse.objects.exists()


def rows_of(web, **params) -> set[str]:  # type: ignore[no-untyped-def]
    body = web.get("/markets/", params).content.decode()
    return {ref for ref in ("ALPHA", "BRAVO", "CENTRAL", "OLD") if f">{ref}<" in body}


def test_the_lists_filters(tenant, people):
    day = today()
    with tenant_context(tenant):
        buyer = people["users"]["buyer"]
        alpha = local(
            people, reference="ALPHA", title="Pousse-seringues réanimation", buyer=buyer.pk
        )
        services.create_lot(
            alpha,
            {"number": "1", "title": "x", "scopes": ["maintenance"], "suppliers": "Fresenius"},
            by=buyer,
            expected_version=alpha.version,
        )
        local(
            people,
            reference="BRAVO",
            title="Lits",
            procedure="negotiated",
            starts=add_months(day, 2),
        )
        central(reference="CENTRAL", title="Imagerie", ends=add_months(day, 3))
        central(reference="OLD", title="Ancien", ends=day - datetime.timedelta(days=3))
    web = clients(tenant, people)["manager"]
    assert rows_of(web) == {"ALPHA", "BRAVO", "CENTRAL", "OLD"}
    assert rows_of(web, origin="central") == {"CENTRAL", "OLD"}
    assert rows_of(web, state="planned") == {"BRAVO"}
    assert rows_of(web, state="ended") == {"OLD"}
    assert rows_of(web, state="ending") == {"CENTRAL"}
    assert rows_of(web, procedure="negotiated") == {"BRAVO"}
    assert rows_of(web, scope="maintenance") == {"ALPHA"}
    assert rows_of(web, supplier="fresen") == {"ALPHA"}
    assert rows_of(web, buyer=people["users"]["buyer"].pk) == {"ALPHA"}
    assert rows_of(web, q="reanimation") == {"ALPHA"}  # accents and case ignored
    assert rows_of(web, q="alp") == {"ALPHA"}
    assert rows_of(web, ends_within="4") == {"CENTRAL"}
    assert rows_of(web, ends_within="12") == {"ALPHA", "CENTRAL"}
    with tenant_context(tenant):
        body = Market.objects.get(reference="CENTRAL").purchasing_body_id
    assert rows_of(web, purchasing_body=body) == {"CENTRAL", "OLD"}
    for bad in ({"ends_within": "9" * 50}, {"buyer": "abc"}, {"state": "\u00b2"}, {"scope": "x"}):
        assert web.get("/markets/", bad).status_code < 500


def test_the_lists_export_writes_states_and_origins_in_words(tenant, people):
    from openpyxl import load_workbook

    from tests.tenants.tables.test_every_export import workbook_of

    with tenant_context(tenant):
        central(reference="CENTRAL", ends=add_months(today(), 1))
    response = clients(tenant, people)["buyer"].get("/markets/", {"export": "xlsx"})
    sheet = load_workbook(BytesIO(workbook_of(response))).worksheets[0]
    cells = {cell.value for line in sheet.iter_rows() for cell in line}
    assert {"CENTRAL", "Bientôt échu", "Centrale d\u2019achat"} <= cells, cells


def test_the_lists_query_count_does_not_grow_with_rows(tenant, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    web = clients(tenant, people)["buyer"]
    with tenant_context(tenant):
        central()
    with CaptureQueriesContext(connection) as one:
        web.get("/markets/")
    with tenant_context(tenant):
        for _ in range(6):
            market = central()
            lot = Lot.objects.create(market=market, number="1", title="L")
            lot.suppliers.add(Supplier.objects.create(name=f"S{market.pk}"))
    with CaptureQueriesContext(connection) as seven:
        body = web.get("/markets/").content.decode()
    assert body.count('href="/markets/') >= 7
    assert len(seven.captured_queries) == len(one.captured_queries)


def test_the_market_page_lists_the_devices_it_maintains(tenant, people):
    with tenant_context(tenant):
        maker = ReferenceManufacturer.objects.create(uuid=uuid.uuid4(), name="Maker")
        model = ReferenceDeviceModel.objects.create(
            uuid=uuid.uuid4(), manufacturer=maker, commercial_name="Servo-u"
        )
        Device.objects.create(inventory_number="INV-77", uf=people["uf"], reference_model=model)
        market = local(people)
        services.create_lot(
            market,
            {
                "number": "1",
                "title": "M",
                "scopes": ["maintenance"],
                "device_models": str(model.uuid),
            },
            by=people["users"]["buyer"],
            expected_version=market.version,
        )
    page = clients(tenant, people)["expert"].get(f"/markets/{market.pk}/").content.decode()
    assert "INV-77" in page and "data-device-count>1<" in page


def test_the_market_plan_page_by_horizon(tenant, people):
    day = today()
    with tenant_context(tenant):
        local(people, reference="SOON", starts=add_months(day, -8), duration_months=12)
        central(reference="LATER", ends=add_months(day, 10))
    web = clients(tenant, people)["finance"]
    six = web.get("/markets/plan/").content.decode()
    assert ">SOON<" in six and "UGAP LATER<" not in six and "Relancer" in six
    twelve = web.get("/markets/plan/", {"months": "12"}).content.decode()
    assert ">SOON<" in twelve and "UGAP LATER<" in twelve
    assert 'href="/markets/?ends_within=12"' in twelve
    for bad in ("7", "abc", "9" * 50, "\u00b2"):
        assert "UGAP LATER<" not in web.get("/markets/plan/", {"months": bad}).content.decode()


def test_a_local_markets_history_reads_in_french_without_the_machinerys_fields(tenant, people):
    web = clients(tenant, people)["buyer"]
    assert web.post("/markets/new/", market_form()).status_code == 302
    with tenant_context(tenant):
        market = Market.objects.get(reference="AO-2027-007")
    lot = {"version": market.version, "number": "1", "title": "Sondes", "scopes": ["consumables"]}
    assert web.post(f"/markets/{market.pk}/lots/new/", lot).status_code == 302
    with tenant_context(tenant):
        market.refresh_from_db()
    changed = {
        **market_form(max_amount="300000", notified_on="16/12/2026"),
        "version": market.version,
    }
    assert web.post(f"/markets/{market.pk}/edit/", changed).status_code == 302
    page = web.get(f"/markets/{market.pk}/").content.decode()
    history = page.split('id="history"', 1)[1]
    # French labels, dates dd/mm/yyyy, euros with two decimals, choices by their label.
    assert "Montant maximum HT (€)" in history
    assert "<del>250\u202f000,00\u00a0€</del> → 300\u202f000,00\u00a0€" in history
    assert "<del>15/12/2026</del> → 16/12/2026" in history
    assert "Appel d\u2019offres ouvert" in history or "open_tender" not in history
    # The lot's changes show here too, its scope by its label.
    assert "Consommables" in history and "consumables" not in history
    # None of the machinery: change-log position, central keys, search column, version.
    for internal in ("Seq", "seq", "Central", "uuid", "Search", "search_text", "Version"):
        assert internal not in history, internal
