"""The rules a purchase request is held to, its states and who moves them, the exceptions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tenants.markets.models import Market
from tenants.purchasing import services
from tenants.purchasing.models import OrderLine, PurchaseRequest, RequestEvent, RequestState
from tests.tenants.purchasing.conftest import (
    TODAY,
    days,
    line_input,
    off_contract,
    on_market,
)

pytestmark = pytest.mark.django_db


def refused(field: str, call, *args, **kwargs) -> services.Refused:  # type: ignore[no-untyped-def]
    with pytest.raises(services.Refused) as caught:
        call(*args, **kwargs)
    assert caught.value.field == field, caught.value.reason
    return caught.value


def test_a_request_takes_a_dra_reference_and_its_lines(buying):
    item = on_market(buying)
    assert item.reference.startswith(f"DRA-{TODAY.year}-")
    assert item.state == RequestState.DRAFT
    excl, incl = item.totals()
    assert (excl, incl) == (Decimal("20000.00"), Decimal("24000.00"))
    assert RequestEvent.objects.filter(request=item, action="create").exists()


def test_an_ended_market_is_refused_naming_the_market(buying):
    error = refused("market", on_market, buying, market=buying["ended"], lot=buying["old_lot"])
    assert "pris fin" in error.reason or "ended" in error.reason


def test_a_market_its_purchasing_body_withdrew_is_refused(buying):
    Market.objects.filter(pk=buying["market"].pk).update(central_status="deleted")
    buying["market"].refresh_from_db()
    error = refused("market", on_market, buying)
    assert "retiré" in error.reason


def test_a_market_that_ended_after_the_quote_date_is_accepted(buying):
    item = on_market(buying, market=buying["ended"], lot=buying["old_lot"], quote_date=days(-60))
    assert item.market == buying["ended"]


def test_a_lot_that_does_not_cover_the_supplier_is_refused(buying):
    refused("lot", on_market, buying, supplier=buying["draeger"])


def test_a_lot_of_another_market_is_refused(buying):
    refused("lot", on_market, buying, lot=buying["old_lot"])


def test_a_market_with_lots_needs_its_lot(buying):
    refused("lot", on_market, buying, lot=None)


def test_an_expired_exception_is_refused(buying):
    refused("exception", off_contract, buying, quote_date=days(45))


def test_an_exception_not_yet_valid_is_refused(buying):
    refused("exception", off_contract, buying, quote_date=days(-45))


def test_an_exception_for_another_supplier_is_refused(buying):
    error = refused("exception", off_contract, buying, supplier=buying["maquet"])
    assert "Dräger" in error.reason


def test_market_and_exception_together_are_refused(buying):
    refused(
        "exception",
        off_contract,
        buying,
        market=buying["market"],
        lot=buying["lot"],
    )


def test_a_draft_may_have_neither_but_cannot_be_sent(buying):
    item = on_market(buying, market=None, lot=None)
    refused("market", services.send_request, item, by=buying["users"]["buyer"])
    item.refresh_from_db()
    assert item.state == RequestState.DRAFT


def test_over_budget_needs_a_reason(buying):
    # 3 x 10 000 € excl. VAT = 36 000 € incl. VAT, over the 30 000 € granted.
    lines = [line_input(buying, quantity=3)]
    error = refused("over_budget_reason", on_market, buying, lines=lines)
    assert "36" in error.reason
    item = on_market(buying, lines=lines, over_budget_reason="Prix révisé")
    assert item.over_budget_reason == "Prix révisé"


def test_the_budget_is_compared_including_vat(buying):
    # 2 x 13 000 € = 26 000 € excl. (under 30 000 €) but 31 200 € incl.: over.
    refused("over_budget_reason", on_market, buying, lines=[line_input(buying, unit_price="13000")])
    # 2 x 12 000 € excl. VAT = 24 000 € excl., 28 800 € incl.: within 30 000 €.
    on_market(buying, lines=[line_input(buying, unit_price="12000")])


def test_other_requests_use_the_budget_until_cancelled(buying):
    first = on_market(buying)  # 24 000 € incl. VAT
    refused("over_budget_reason", on_market, buying)  # 24 000 € more: 48 000 € > 30 000 €
    services.cancel_request(first, by=buying["users"]["buyer"])
    on_market(buying)


def test_editing_a_request_does_not_count_its_own_lines_twice(buying):
    item = on_market(buying)
    changed = services.save_purchase_request(
        services.RequestInput(
            supplier=buying["maquet"],
            quote_date=TODAY,
            market=buying["market"],
            lot=buying["lot"],
            lines=[line_input(buying, unit_price="11000")],
        ),
        by=buying["users"]["buyer"],
        item=item,
        expected_version=item.version,
    )
    assert changed.version == item.version + 1
    assert OrderLine.objects.filter(request=item).get().unit_price == Decimal("11000")


def test_an_edit_on_an_older_version_is_refused(buying):
    item = on_market(buying)
    data = services.RequestInput(
        supplier=buying["maquet"],
        quote_date=TODAY,
        market=buying["market"],
        lot=buying["lot"],
        lines=[line_input(buying)],
    )
    services.save_purchase_request(
        data, by=buying["users"]["buyer"], item=item, expected_version=item.version
    )
    error = refused(
        "version",
        services.save_purchase_request,
        data,
        by=buying["users"]["buyer"],
        item=item,
        expected_version=item.version,
    )
    assert error.status == 409


def test_states_draft_sent_ordered(buying):
    buyer = buying["users"]["buyer"]
    item = on_market(buying)
    item = services.send_request(item, by=buyer, expected_version=item.version)
    assert item.state == RequestState.SENT
    item = services.order_request(item, by=buyer, order_number="BC-77")
    assert (item.state, item.order_number, item.ordered_on) == (
        RequestState.ORDERED,
        "BC-77",
        TODAY,
    )
    refused("", services.cancel_request, item, by=buyer)


def test_a_sent_request_returns_to_draft(buying):
    buyer = buying["users"]["buyer"]
    item = services.send_request(on_market(buying), by=buyer)
    item = services.return_to_draft(item, by=buyer, note="Devis à refaire")
    assert item.state == RequestState.DRAFT
    assert item.events.last().note == "Devis à refaire"


def test_ordering_on_an_ended_market_is_refused(buying):
    buyer = buying["users"]["buyer"]
    item = on_market(buying, market=buying["ended"], lot=buying["old_lot"], quote_date=days(-60))
    item = services.send_request(item, by=buyer)
    refused("market", services.order_request, item, by=buyer)


def test_an_expert_of_the_lines_domain_drafts_but_does_not_send(buying):
    expert = buying["users"]["expert"]
    item = on_market(buying, by=expert)
    assert item.created_by == expert
    error = refused("", services.send_request, item, by=expert)
    assert error.status == 403
    services.cancel_request(item, by=expert)


def test_an_expert_of_another_domain_may_not_draft_on_the_line(buying):
    error = refused("lines[0].plan_line", on_market, buying, by=buying["users"]["imaging_expert"])
    assert error.status == 403


def test_a_requester_may_not_draft(buying):
    error = refused("", on_market, buying, by=buying["users"]["requester"])
    assert error.status == 403


def test_an_expert_may_not_change_a_sent_request(buying):
    item = services.send_request(on_market(buying), by=buying["users"]["buyer"])
    data = services.RequestInput(
        supplier=buying["maquet"], quote_date=TODAY, lines=[line_input(buying)]
    )
    refused("", services.save_purchase_request, data, by=buying["users"]["expert"], item=item)


def test_a_sent_request_keeps_its_market_or_exception(buying):
    buyer = buying["users"]["buyer"]
    item = services.send_request(on_market(buying), by=buyer)
    data = services.RequestInput(
        supplier=buying["maquet"], quote_date=TODAY, lines=[line_input(buying)]
    )
    refused("market", services.save_purchase_request, data, by=buyer, item=item)


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"quantity": 0}, "lines[0].quantity"),
        ({"quantity": "1e9"}, "lines[0].quantity"),
        ({"unit_price": "-3"}, "lines[0].unit_price"),
        ({"unit_price": "9" * 40}, "lines[0].unit_price"),
        ({"vat_rate": "120"}, "lines[0].vat_rate"),
        ({"vat_rate": "abc"}, "lines[0].vat_rate"),
        ({"vat_rate": "NaN"}, "lines[0].vat_rate"),
        ({"warranty_months": "-1"}, "lines[0].warranty_months"),
        ({"description": ""}, "lines[0].description"),
        ({"description": "a\x00b"}, "lines[0].description"),
        ({"risk_class": "IV"}, "lines[0].risk_class"),
    ],
)
def test_bad_line_values_are_refused_naming_the_field(buying, extra, field):
    refused(field, on_market, buying, lines=[line_input(buying, **extra)])


def test_a_request_without_lines_is_refused(buying):
    buying_lines = services.RequestInput(supplier=buying["maquet"], quote_date=TODAY, lines=[])
    refused("lines", services.save_purchase_request, buying_lines, by=buying["users"]["buyer"])


def test_an_emdn_code_is_checked_against_the_mirrored_terms_when_there_are(buying):
    import uuid

    from tenants.mirror.models import ReferenceTerm

    assert on_market(buying, lines=[line_input(buying, emdn_code="z12")]).lines.get().emdn_code == (
        "Z12"
    )
    ReferenceTerm.objects.create(uuid=uuid.uuid4(), system="emdn", code="Z12030101")
    refused("lines[0].emdn_code", on_market, buying, lines=[line_input(buying, emdn_code="Z99")])
    on_market(buying, lines=[line_input(buying, emdn_code="z12030101", unit_price="1")])


def test_a_closed_plan_line_is_refused(buying):
    buying["line"].closed = True
    buying["line"].save()
    refused("lines[0].plan_line", on_market, buying)


# Exceptions -------------------------------------------------------------------------------


def test_only_buyers_record_exceptions(buying):
    data = services.ExceptionInput(
        code="HM1", supplier=buying["maquet"], valid_from=TODAY, valid_until=days(10)
    )
    error = refused("", services.record_exception, data, by=buying["users"]["expert"])
    assert error.status == 403


def test_an_exception_ends_after_it_starts(buying):
    data = services.ExceptionInput(
        code="HM1", supplier=buying["maquet"], valid_from=TODAY, valid_until=days(-1)
    )
    refused("valid_until", services.record_exception, data, by=buying["users"]["buyer"])


@pytest.mark.parametrize(
    ("extra", "field"),
    [({"code": "HM9"}, "code"), ({"account_prefix": "21\x0054"}, "account_prefix")],
)
def test_bad_exception_values_are_refused(buying, extra, field):
    data = services.ExceptionInput(
        **{
            "code": "HM1",
            "supplier": buying["maquet"],
            "valid_from": TODAY,
            "valid_until": days(10),
            **extra,
        }
    )
    refused(field, services.record_exception, data, by=buying["users"]["buyer"])


def test_an_exception_cannot_be_shortened_under_a_request_using_it(buying):
    off_contract(buying, quote_date=days(20))
    exception = buying["exception"]
    data = services.ExceptionInput(
        code="HM4", supplier=buying["draeger"], valid_from=days(-30), valid_until=days(10)
    )
    error = refused(
        "valid_until",
        services.update_exception,
        exception,
        data,
        by=buying["users"]["buyer"],
        expected_version=exception.version,
    )
    assert error.status == 409
    assert PurchaseRequest.objects.filter(exception=exception).count() == 1


def test_a_request_in_a_file_draws_only_on_the_files_lines(buying):
    buyer = buying["users"]["buyer"]
    other = services.create_file(
        services.FileInput(title="Autre projet", lead=buyer, plan_lines=[buying["line"]]),
        by=buyer,
    )
    assert other.checklist.count() == 5
    other.plan_lines.clear()
    refused("lines[0].plan_line", on_market, buying, file=other)
    other.plan_lines.add(buying["line"])
    assert on_market(buying, file=other).file == other


def test_a_file_cannot_lose_a_line_its_requests_use(buying):
    buyer = buying["users"]["buyer"]
    file = services.create_file(
        services.FileInput(title="Projet", lead=buyer, plan_lines=[buying["line"]]), by=buyer
    )
    on_market(buying, file=file)
    refused(
        "plan_lines",
        services.update_file,
        file,
        services.FileInput(title="Projet", lead=buyer, plan_lines=[]),
        by=buyer,
    )


def test_each_plan_line_keeps_its_own_budget(buying):
    """Room left on one plan line does not pay for another's overspending: each line's
    granted amount is checked on its own."""
    from tenants.plan.models import PlanLine

    request = buying["line"].request
    other = PlanLine.objects.create(
        request=type(request).objects.create(
            campaign=request.campaign,
            uf=request.uf,
            nature=request.nature,
            title="Petit achat",
            state="granted",
            granted_amount=1000,
            requested_by=request.requested_by,
        ),
        campaign=request.campaign,
        year=request.campaign.year,
        uf=request.uf,
        nature=request.nature,
        title="Petit achat",
        amount=1000,
        created_by=request.requested_by,
    )
    # 1 x 5 000 € excl. = 6 000 € incl. on a line granted 1 000 €; 1 000 € on the 30 000 € one.
    lines = [
        line_input(buying, plan_line=other, quantity=1, unit_price="5000"),
        line_input(buying, quantity=1, unit_price="1000"),
    ]
    error = refused("over_budget_reason", on_market, buying, lines=lines)
    assert other.reference in error.reason
    on_market(buying, lines=lines, over_budget_reason="Urgence")
