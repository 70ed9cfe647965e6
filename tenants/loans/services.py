"""Recording a loan between services, and what happens to it: returned, cancelled, its return
date moved.

Each action is one transaction. Recording one, or moving its return date, locks the device's
row first, so that two people lending the same device at once are served one after the other
and the second is told the device is already lent then. Changes to a loan lock it and refuse
a change made on an older version (``expected_version``). A refusal names the field and
changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from saas.errors import UserError
from tenants.accounts.models import User
from tenants.inventory.models import Device, DeviceStatus
from tenants.loans.models import Loan, LoanEvent
from tenants.loans.selectors import may_handle, may_record_for, open_loans
from tenants.notifications.services import notify
from tenants.structure.models import FunctionalUnit

NAME_LIMIT = 120
PHONE_LIMIT = 30
REASON_LIMIT = 2000
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


class Refused(UserError):
    """A loan refused: who may not (403), the device is lent meanwhile or the loan's state
    forbids it (409), or what was typed (400)."""


@dataclass(frozen=True)
class LoanInput:
    device: Device
    borrowing_uf: FunctionalUnit
    starts_on: date
    due_on: date
    lending_uf: FunctionalUnit | None = None  # the device's UF when not given
    lender_name: str = ""
    lender_phone: str = ""
    borrower_name: str = ""
    borrower_phone: str = ""
    reason: str = ""


def _text(value: Any, field: str, limit: int) -> str:
    text = " ".join(str(value or "").split()) if limit <= NAME_LIMIT else str(value or "").strip()
    if "\x00" in text:
        raise Refused(field, _("contains a character that is not text"))
    if len(text) > limit:
        raise Refused(field, _("is too long (%(limit)s characters at most)") % {"limit": limit})
    return text


def _date(value: Any, field: str) -> date:
    if not isinstance(value, date):
        raise Refused(field, _("not a date (e.g. 24/11/2027)"))
    if not EARLIEST <= value <= LATEST:
        raise Refused(field, _("must be between 2000 and 2100"))
    return value


def _due_after_start(starts_on: date, due_on: date) -> None:
    if due_on < starts_on:
        raise Refused(
            "due_on",
            _("cannot come before the start date (%(start)s)")
            % {"start": starts_on.strftime("%d/%m/%Y")},
        )


def _refuse_overlap(device: Device, starts_on: date, due_on: date, *, but: int | None) -> None:
    """Call with the device's row locked: no other open loan of it may cross these dates. A
    loan past its return date and not returned still holds the device, whatever its planned
    date said: until it is marked returned, the device is not lent again."""
    today = timezone.localdate()
    crossing_loans = open_loans().filter(
        Q(due_on__gte=starts_on) | Q(due_on__lt=today), device=device, starts_on__lte=due_on
    )
    if but is not None:
        crossing_loans = crossing_loans.exclude(pk=but)
    crossing = crossing_loans.order_by("starts_on").first()
    if crossing is not None and crossing.due_on < today and crossing.due_on < starts_on:
        raise Refused(
            "starts_on",
            _(
                "this device has not come back from %(loan)s (due back on %(due)s): mark that "
                "loan returned first"
            )
            % {"loan": crossing.reference, "due": crossing.due_on.strftime("%d/%m/%Y")},
            status=409,
        )
    if crossing is not None:
        raise Refused(
            "starts_on",
            _("this device is already lent from %(start)s to %(due)s (%(loan)s)")
            % {
                "start": crossing.starts_on.strftime("%d/%m/%Y"),
                "due": crossing.due_on.strftime("%d/%m/%Y"),
                "loan": crossing.reference,
            },
            status=409,
        )


def _lock_device(device: Device) -> Device:
    return Device.objects.select_for_update().select_related("uf").get(pk=device.pk)


@transaction.atomic
def record_loan(data: LoanInput, *, by: User) -> Loan:
    """Lend a device from its UF (or the given one) to another UF for a while."""
    device = _lock_device(data.device)
    lending = data.lending_uf or device.uf
    # The device's own UF, not the lending UF typed: naming one's UF as the lender would
    # otherwise let anyone lend any device of the hospital.
    if not (may_record_for(by, device.uf) or may_record_for(by, data.borrowing_uf)):
        raise Refused("", _("you may not record a loan between these UF"), status=403)
    if lending.pk != device.uf_id:
        # Another UF named as the lender would book the device out of sight of the UF that
        # holds it (a loan shows to the people of its two UF).
        raise Refused(
            "lending_uf",
            _("this device belongs to UF %(code)s: only it lends it") % {"code": device.uf.code},
        )
    if device.status == DeviceStatus.RETIRED:
        raise Refused("device", _("this device is retired"))
    if data.borrowing_uf.pk == lending.pk:
        raise Refused("borrowing_uf", _("must differ from the lending UF"))
    starts_on = _date(data.starts_on, "starts_on")
    due_on = _date(data.due_on, "due_on")
    _due_after_start(starts_on, due_on)
    fields = {
        "lender_name": _text(data.lender_name, "lender_name", NAME_LIMIT),
        "lender_phone": _text(data.lender_phone, "lender_phone", PHONE_LIMIT),
        "borrower_name": _text(data.borrower_name, "borrower_name", NAME_LIMIT),
        "borrower_phone": _text(data.borrower_phone, "borrower_phone", PHONE_LIMIT),
        "reason": _text(data.reason, "reason", REASON_LIMIT),
    }
    _refuse_overlap(device, starts_on, due_on, but=None)
    loan = _create(
        device=device,
        lending_uf=lending,
        borrowing_uf=data.borrowing_uf,
        starts_on=starts_on,
        due_on=due_on,
        created_by=by,
        **fields,
    )
    _event(loan, "record", by)
    from tenants.loans.selectors import watchers

    notify(
        [person for person in watchers(loan) if person.pk != by.pk],
        subject=_("%(loan)s: %(device)s lent by UF %(lending)s to UF %(borrowing)s")
        % {
            "loan": loan.reference,
            "device": device.inventory_number,
            "lending": lending.code,
            "borrowing": data.borrowing_uf.code,
        },
        url=loan.get_absolute_url(),
        body=_("From %(start)s, to be returned on %(due)s.")
        % {"start": starts_on.strftime("%d/%m/%Y"), "due": due_on.strftime("%d/%m/%Y")},
        kind="loans",
    )
    return loan


def _create(**fields: Any) -> Loan:
    try:
        with transaction.atomic():
            return Loan.objects.create(**fields)
    except IntegrityError as error:
        # The exclusion constraint: another connection lent it without locking the device.
        raise Refused(
            "starts_on", _("this device is already lent on these dates"), status=409
        ) from error


def _locked(loan: Loan, by: User, expected_version: int | None) -> Loan:
    locked = (
        Loan.objects.select_for_update(of=("self",))
        .select_related("device", "lending_uf", "borrowing_uf", "created_by")
        .get(pk=loan.pk)
    )
    if not may_handle(by, locked):
        raise Refused("", _("you may not change this loan"), status=403)
    if expected_version is not None and locked.version != expected_version:
        raise Refused(
            "version", _("someone changed this loan since you opened it: reload it"), status=409
        )
    if not locked.is_open:
        raise Refused("", _("this loan is already returned or cancelled"), status=409)
    return locked


def _save(loan: Loan, **fields: Any) -> Loan:
    Loan.objects.filter(pk=loan.pk).update(
        version=F("version") + 1, updated=timezone.now(), **fields
    )
    loan.refresh_from_db()
    return loan


def _event(loan: Loan, action: str, by: User, note: str = "", **data: Any) -> None:
    LoanEvent.objects.create(loan=loan, action=action, actor=by, note=note, data=data)


@transaction.atomic
def return_loan(
    loan: Loan,
    *,
    by: User,
    returned_on: date | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Loan:
    """The device came back (today unless said): the loan is over."""
    loan = _locked(loan, by, expected_version)
    today = timezone.localdate()
    returned_on = _date(returned_on or today, "returned_on")
    if returned_on < loan.starts_on:
        raise Refused(
            "returned_on",
            _("cannot come before the start date (%(start)s)")
            % {"start": loan.starts_on.strftime("%d/%m/%Y")},
        )
    if returned_on > today:
        raise Refused("returned_on", _("cannot be in the future"))
    note = _text(note, "note", REASON_LIMIT)
    loan = _save(loan, returned_on=returned_on)
    _event(loan, "return", by, note, returned_on=returned_on.isoformat())
    return loan


@transaction.atomic
def cancel_loan(
    loan: Loan, *, by: User, note: str = "", expected_version: int | None = None
) -> Loan:
    """The loan will not happen, or is abandoned: it no longer holds the device."""
    loan = _locked(loan, by, expected_version)
    note = _text(note, "note", REASON_LIMIT)
    loan = _save(loan, cancelled_at=timezone.now())
    _event(loan, "cancel", by, note)
    return loan


@transaction.atomic
def move_return_date(
    loan: Loan, due_on: date, *, by: User, note: str = "", expected_version: int | None = None
) -> Loan:
    """Lend it for longer (or shorter): a new planned return date, warned about anew."""
    # The device first, as record_loan does: locking the loan and then the device could
    # deadlock with a loan of the same device being recorded meanwhile (its insert waits on
    # this loan's new dates through the exclusion constraint). A loan's device never changes.
    _lock_device(Device(pk=loan.device_id))
    loan = _locked(loan, by, expected_version)
    due_on = _date(due_on, "due_on")
    _due_after_start(loan.starts_on, due_on)
    note = _text(note, "note", REASON_LIMIT)
    _refuse_overlap(loan.device, loan.starts_on, due_on, but=loan.pk)
    before = loan.due_on
    try:
        with transaction.atomic():
            loan = _save(loan, due_on=due_on)
    except IntegrityError as error:
        raise Refused(
            "due_on", _("this device is already lent on these dates"), status=409
        ) from error
    _event(loan, "extend", by, note, before=before.isoformat(), after=due_on.isoformat())
    return loan
