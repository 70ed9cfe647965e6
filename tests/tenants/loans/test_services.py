"""Recording loans between services and what happens to them: dates, overlaps, who may."""

from __future__ import annotations

import re

import pytest

from tenants.loans import services
from tenants.loans.models import Loan, LoanState
from tests.tenants.loans.conftest import days, lend


def refused(call, *args, **kwargs) -> services.Refused:  # type: ignore[no-untyped-def]
    with pytest.raises(services.Refused) as caught:
        call(*args, **kwargs)
    return caught.value


def test_a_loan_takes_a_reference_and_the_devices_uf_as_lender(lending):
    loan = lend(lending, lender_name="  Mme  Durand ", borrower_phone="0322")
    assert re.fullmatch(r"PRT-\d{4}-\d{5}", loan.reference)
    assert loan.lending_uf == lending["rea"]
    assert loan.lender_name == "Mme Durand"
    assert loan.state == LoanState.UNDER_WAY
    assert [e.action for e in loan.events.all()] == ["record"]


def test_a_loan_starting_later_is_planned(lending):
    assert lend(lending, start=2, due=5).state == LoanState.PLANNED


def test_a_return_date_before_the_start_is_refused_naming_the_field(lending):
    error = refused(lend, lending, start=5, due=4)
    assert (error.field, error.status) == ("due_on", 400)
    assert "date de début" in error.reason
    assert not Loan.objects.exists()


def test_the_borrowing_uf_must_differ_from_the_lending_one(lending):
    error = refused(lend, lending, borrowing_uf=lending["rea"])
    assert error.field == "borrowing_uf"


def test_nul_bytes_and_huge_texts_are_refused_naming_the_field(lending):
    assert refused(lend, lending, reason="a\x00b").field == "reason"
    assert refused(lend, lending, borrower_name="x" * 500).field == "borrower_name"
    assert refused(lend, lending, start=-40000, due=1).field == "starts_on"


def test_a_device_cannot_be_in_two_overlapping_open_loans(lending):
    first = lend(lending, start=0, due=7)
    error = refused(lend, lending, start=7, due=10, by=lending["users"]["bloc"])
    assert (error.field, error.status) == ("starts_on", 409)
    assert first.reference in error.reason
    # After it, or once the first is returned, it may be lent again.
    lend(lending, start=8, due=10)
    services.return_loan(first, by=lending["users"]["requester"])
    lend(lending, start=1, due=3)


def test_a_late_loan_not_returned_still_holds_the_device(lending):
    late = lend(lending, start=-10, due=-2)
    # Its planned dates are behind it, but the device has not come back.
    error = refused(lend, lending, start=0, due=5, by=lending["users"]["bloc"])
    assert (error.field, error.status) == ("starts_on", 409)
    assert late.reference in error.reason and "rendu" in error.reason
    services.return_loan(late, by=lending["users"]["requester"])
    lend(lending, start=0, due=5)


def test_the_database_refuses_an_overlap_the_services_did_not_see(lending):
    from django.db import IntegrityError, transaction

    first = lend(lending)
    with pytest.raises(IntegrityError), transaction.atomic():
        Loan.objects.create(
            device=first.device,
            lending_uf=first.lending_uf,
            borrowing_uf=first.borrowing_uf,
            starts_on=days(3),
            due_on=days(20),
            created_by=first.created_by,
        )


def test_who_may_record_a_loan(lending):
    u = lending["users"]
    for name in ("requester", "bloc", "pole_head", "other_head", "expert"):  # either UF, experts
        loan = lend(lending, by=u[name])
        services.cancel_loan(loan, by=u[name])
    for name in ("outsider", "manager", "commission", "dispatcher"):
        error = refused(lend, lending, by=u[name])
        assert error.status == 403, name


def test_naming_ones_own_uf_as_lender_does_not_lend_anothers_device(lending):
    u = lending["users"]
    # The outsider's UF (far) is neither the device's (réanimation) nor the borrowing one.
    error = refused(lend, lending, by=u["outsider"], lending_uf=lending["far"])
    assert error.status == 403
    assert not Loan.objects.exists()


def test_returning_refuses_impossible_dates_and_others(lending):
    u = lending["users"]
    loan = lend(lending, start=-3, due=4)
    assert refused(services.return_loan, loan, by=u["requester"], returned_on=days(-4)).field == (
        "returned_on"
    )
    assert refused(services.return_loan, loan, by=u["requester"], returned_on=days(1)).field == (
        "returned_on"
    )
    assert refused(services.return_loan, loan, by=u["outsider"]).status == 403
    loan = services.return_loan(loan, by=u["bloc"], returned_on=days(-1))
    assert loan.state == LoanState.RETURNED and loan.returned_on == days(-1)
    assert refused(services.return_loan, loan, by=u["bloc"]).status == 409  # already back


def test_a_change_made_on_an_older_version_is_refused(lending):
    u = lending["users"]
    loan = lend(lending)
    seen = loan.version
    services.move_return_date(loan, days(9), by=u["bloc"], expected_version=seen)
    error = refused(services.cancel_loan, loan, by=u["requester"], expected_version=seen)
    assert (error.field, error.status) == ("version", 409)
    assert Loan.objects.get(pk=loan.pk).cancelled_at is None


def test_moving_the_return_date_checks_the_start_and_the_next_loan(lending):
    u = lending["users"]
    loan = lend(lending, start=0, due=5)
    lend(lending, start=10, due=12)
    assert refused(services.move_return_date, loan, days(-1), by=u["requester"]).field == "due_on"
    assert refused(services.move_return_date, loan, days(11), by=u["requester"]).status == 409
    loan = services.move_return_date(loan, days(9), by=u["requester"], note="prolongé")
    assert loan.due_on == days(9)
    assert loan.events.last().action == "extend"


def test_a_retired_device_is_not_lent(lending):
    lending["device"].status = "retired"
    lending["device"].save()
    assert refused(lend, lending).field == "device"
