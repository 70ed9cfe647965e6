"""Keeping local markets and their lots, and who uses a market: what is stored and what is
refused (with the field named)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest

from saas.dates import end_of
from tenants.markets import services
from tenants.markets.models import Lot, Market, MarketUse, Supplier
from tenants.markets.terms import period_ends
from tests.tenants.markets.conftest import SECOND_ENTITY, central, local

D = datetime.date


def refused(call, field: str, status: int = 400) -> services.Refused:  # type: ignore[no-untyped-def]
    with pytest.raises(services.Refused) as caught:
        call()
    assert (caught.value.field, caught.value.status) == (field, status), caught.value.reason
    return caught.value


def test_the_end_counts_every_renewal():
    assert end_of(D(2027, 1, 1), 12) == D(2027, 12, 31)
    assert end_of(D(2027, 1, 1), 12, 3, 12) == D(2030, 12, 31)
    # French civil-law reckoning: a period of N months ends the day before the same day N months
    # later, or on that month's last day when it has no such day (no 31/02, no 30/02, no 31/04).
    assert end_of(D(2027, 1, 31), 1) == D(2027, 2, 28)
    assert end_of(D(2027, 1, 30), 1) == D(2027, 2, 28)
    assert end_of(D(2027, 1, 28), 1) == D(2027, 2, 27)
    assert end_of(D(2027, 3, 31), 1) == D(2027, 4, 30)
    assert end_of(D(2027, 1, 31), 1, 2, 1) == D(2027, 4, 30)
    assert period_ends(D(2027, 1, 31), 1, 2, 1) == [D(2027, 2, 28), D(2027, 3, 30), D(2027, 4, 30)]
    assert period_ends(D(2027, 3, 1), 24, 2, 6) == [D(2029, 2, 28), D(2029, 8, 31), D(2030, 2, 28)]
    assert end_of(None, 12) is None and end_of(D(2027, 1, 1), None) is None


def test_a_local_market_stores_its_end_renewals_included(tenant_context_people):
    people = tenant_context_people
    market = local(
        people,
        reference="AO-2027-01",
        starts=D(2027, 1, 1),
        duration_months=24,
        renewals=2,
        renewal_months=12,
        renewal_kind="express",
        notified_on=D(2026, 12, 1),
        buyer=people["users"]["buyer"].pk,
        expert=people["users"]["expert"].pk,
        min_amount=Decimal("1000"),
        max_amount=Decimal("50000.5"),
    )
    market.refresh_from_db()
    assert market.origin == "local" and market.ends == D(2030, 12, 31)
    assert market.buyer == people["users"]["buyer"] and market.max_amount == Decimal("50000.50")


def test_without_a_duration_the_end_typed_is_kept(tenant_context_people):
    market = local(
        tenant_context_people, starts=D(2027, 1, 1), duration_months=None, ends=D(2027, 6, 30)
    )
    assert market.ends == D(2027, 6, 30)


def test_an_end_typed_against_the_duration_is_refused_naming_the_right_day(
    tenant_context_people,
):
    people = tenant_context_people
    error = refused(
        lambda: local(people, starts=D(2027, 1, 31), duration_months=1, ends=D(2027, 3, 31)),
        "ends",
    )
    assert "28/02/2027" in str(error.reason)
    assert not Market.objects.exists()
    assert local(people, starts=D(2027, 1, 31), duration_months=1, ends=D(2027, 2, 28))


def test_the_end_shown_follows_a_changed_duration(tenant_context_people):
    """The form shows the stored end: left as it was, it moves with the duration."""
    people = tenant_context_people
    buyer = people["users"]["buyer"]
    market = local(people, starts=D(2027, 1, 1), duration_months=12)
    fields = ("reference", "title", "starts", "duration_months", "ends")
    shown = {f: getattr(market, f) for f in fields}
    assert shown["ends"] == D(2027, 12, 31)
    services.update_market(
        market, {**shown, "duration_months": 6}, by=buyer, expected_version=market.version
    )
    market.refresh_from_db()
    assert market.ends == D(2027, 6, 30)
    shown = {f: getattr(market, f) for f in fields}
    refused(
        lambda: services.update_market(
            market,
            {**shown, "duration_months": 3, "ends": D(2027, 5, 31)},
            by=buyer,
            expected_version=market.version,
        ),
        "ends",
    )


def test_an_end_before_the_start_is_refused_on_the_end(tenant_context_people):
    refused(
        lambda: local(
            tenant_context_people, starts=D(2027, 1, 1), duration_months=None, ends=D(2026, 12, 31)
        ),
        "ends",
    )
    assert not Market.objects.exists()


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"min_amount": Decimal(10), "max_amount": Decimal(9)}, "max_amount"),
        ({"min_quantity": 5, "max_quantity": 4}, "max_quantity"),
        ({"renewals": 2}, "renewal_months"),
        ({"renewals": 2, "renewal_months": 12}, "renewal_kind"),
        ({"duration_months": 0}, "duration_months"),
        ({"duration_months": 10**9}, "duration_months"),
        ({"max_amount": Decimal("1e15")}, "max_amount"),
        ({"max_amount": Decimal("NaN")}, "max_amount"),
        ({"title": "a\x00b"}, "title"),
        ({"reference": ""}, "reference"),
        ({"reference": "x" * 101}, "reference"),
        ({"starts": D(1900, 1, 1)}, "starts"),
        ({"starts": None}, "starts"),
        ({"procedure": "bribe"}, "procedure"),
        ({"buyer": 999_999}, "buyer"),
    ],
)
def test_what_cannot_be_is_refused_with_its_field(tenant_context_people, fields, field):
    refused(lambda: local(tenant_context_people, **fields), field)


def test_a_person_without_the_role_cannot_be_the_buyer(tenant_context_people):
    people = tenant_context_people
    refused(lambda: local(people, buyer=people["users"]["requester"].pk), "buyer")


def test_two_local_markets_cannot_share_a_reference(tenant_context_people):
    local(tenant_context_people, reference="MAPA-12")
    refused(lambda: local(tenant_context_people, reference="mapa-12"), "reference", 409)
    # A central market's reference is the purchasing body's, in another namespace.
    central(reference="MAPA-13")
    local(tenant_context_people, reference="MAPA-13")


def test_an_edit_made_on_an_older_version_is_refused(tenant_context_people):
    people = tenant_context_people
    market = local(people)
    data = {f: getattr(market, f) for f in ("reference", "title", "starts", "duration_months")}
    buyer = people["users"]["buyer"]
    services.update_market(market, {**data, "title": "New"}, by=buyer, expected_version=1)
    refused(
        lambda: services.update_market(
            market, {**data, "title": "Older"}, by=buyer, expected_version=1
        ),
        "version",
        409,
    )
    market.refresh_from_db()
    assert market.title == "New" and market.version == 2


def test_renaming_onto_another_local_reference_is_refused(tenant_context_people):
    people = tenant_context_people
    local(people, reference="A-1")
    second = local(people, reference="A-2")
    refused(
        lambda: services.update_market(
            second,
            {"reference": "A-1", "title": "x"},
            by=people["users"]["buyer"],
            expected_version=second.version,
        ),
        "reference",
        409,
    )


def test_only_buyers_and_administrators_keep_markets(tenant_context_people):
    people = tenant_context_people
    for name in ("expert", "manager", "viewer", "requester"):
        with pytest.raises(services.Refused) as caught:
            services.create_market({"reference": "R", "title": "T"}, by=people["users"][name])
        assert caught.value.status == 403
    services.create_market({"reference": "R", "title": "T"}, by=people["users"]["admin"])


def test_a_central_market_is_read_only_but_its_uses_are_kept(tenant_context_people):
    people = tenant_context_people
    buyer = people["users"]["buyer"]
    market = central()
    refused(
        lambda: services.update_market(
            market, {"reference": "X", "title": "Y"}, by=buyer, expected_version=None
        ),
        "",
        409,
    )
    refused(
        lambda: services.create_lot(
            market, {"number": "1", "title": "Lot"}, by=buyer, expected_version=None
        ),
        "",
        409,
    )
    lot = Lot.objects.create(market=market, number="1", title="Lot central")
    refused(lambda: services.delete_lot(lot, by=buyer, expected_version=None), "", 409)
    use = services.set_use(
        market, legal_entity_finess=SECOND_ENTITY, local_reference="M-2027-4", by=buyer
    )
    on_lot = services.set_use(
        market, legal_entity_finess="800000044", lot=lot, local_reference="L1", by=buyer
    )
    assert {u.pk for u in MarketUse.objects.filter(market=market)} == {use.pk, on_lot.pk}
    again = services.set_use(
        market, legal_entity_finess=SECOND_ENTITY, local_reference="M-2027-5", by=buyer
    )
    assert again.pk == use.pk and again.local_reference == "M-2027-5"
    services.remove_use(on_lot, by=buyer)
    assert MarketUse.objects.count() == 1


def test_a_use_names_one_of_the_legal_entities_and_a_lot_of_the_market(tenant_context_people):
    people = tenant_context_people
    buyer = people["users"]["buyer"]
    market, other = local(people), local(people)
    lot = services.create_lot(other, {"number": "1", "title": "L"}, by=buyer, expected_version=None)
    refused(
        lambda: services.set_use(market, legal_entity_finess="999999999", by=buyer),
        "legal_entity_finess",
    )
    refused(
        lambda: services.set_use(market, legal_entity_finess=SECOND_ENTITY, lot=lot, by=buyer),
        "lot",
    )
    refused(
        lambda: services.set_use(
            market, legal_entity_finess=SECOND_ENTITY, local_reference="r\x00", by=buyer
        ),
        "local_reference",
    )
    with pytest.raises(services.Refused) as caught:
        services.set_use(market, legal_entity_finess=SECOND_ENTITY, by=people["users"]["expert"])
    assert caught.value.status == 403


def test_a_supplier_recorded_meanwhile_by_another_request_is_used(
    tenant_context_people, monkeypatch
):
    """Two requests naming a new supplier at once: the second's insert meets the unique
    constraint and uses the first's row (no IntegrityError, no 500)."""
    people = tenant_context_people
    market = local(people)
    looked_up = services._known_suppliers

    def raced(names: list[str]) -> dict[str, Supplier]:
        known = looked_up(names)
        Supplier.objects.create(name="DRÄGER FRANCE")  # the other request, just after
        return known

    monkeypatch.setattr(services, "_known_suppliers", raced)
    lot = services.create_lot(
        market,
        {"number": "1", "title": "Ventilation", "suppliers": "Dräger France\nBaxter"},
        by=people["users"]["buyer"],
        expected_version=market.version,
    )
    assert sorted(s.name for s in lot.suppliers.all()) == ["Baxter", "DRÄGER FRANCE"]
    assert Supplier.objects.count() == 2


def test_an_import_naming_a_supplier_recorded_meanwhile_uses_it(tenant_context_people):
    from tenants.catalogue.imports import _create_names

    recorded = Supplier.objects.create(name="BAXTER")  # since the import looked names up
    made = _create_names(Supplier, ["Baxter", "Medtronic"])
    assert made["BAXTER"] == recorded.pk and set(made) == {"BAXTER", "MEDTRONIC"}
    assert Supplier.objects.count() == 2


def test_a_lot_keeps_its_suppliers_scopes_and_models(tenant_context_people):
    people = tenant_context_people
    buyer = people["users"]["buyer"]
    Supplier.objects.create(name="Medtronic")
    market = local(people)
    model = uuid.uuid4()
    lot = services.create_lot(
        market,
        {
            "number": "2",
            "title": "Maintenance",
            "scopes": ["maintenance", "accessories"],
            "suppliers": "MEDTRONIC\nBaxter\nbaxter",
            "device_models": f"{model}\n{model}",
            "starts": market.starts,
            "duration_months": 12,
            "min_quantity": 1,
            "max_quantity": 10,
        },
        by=buyer,
        expected_version=market.version,
    )
    assert sorted(s.name for s in lot.suppliers.all()) == ["Baxter", "Medtronic"]
    assert Supplier.objects.count() == 2
    assert lot.device_models == [model] and lot.ends == end_of(market.starts, 12)
    market.refresh_from_db()
    assert market.version == 2  # the page changed: a form opened before is stale
    refused(
        lambda: services.create_lot(
            market, {"number": "2", "title": "Twice"}, by=buyer, expected_version=market.version
        ),
        "number",
    )
    refused(
        lambda: services.update_lot(
            lot,
            {"number": "2", "title": "x", "device_models": "not-a-uuid"},
            by=buyer,
            expected_version=market.version,
        ),
        "device_models",
    )
    refused(
        lambda: services.create_lot(
            market,
            {"number": "3", "title": "x", "scopes": ["everything"]},
            by=buyer,
            expected_version=market.version,
        ),
        "scopes",
    )
    services.delete_lot(lot, by=buyer, expected_version=market.version)
    assert not Lot.objects.exists()
