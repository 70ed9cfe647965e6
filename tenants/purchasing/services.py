"""Changing purchasing data: off-contract exceptions, purchase files and their checklist,
purchase requests and their states. One transaction per action; a refusal names the field
and changes nothing.

The rules a purchase request is held to (``check_procurement``, ``check_budget``):

- It buys on a market's lot *or* under an off-contract exception, never both. A draft may
  have neither yet (the buyer may not know which market when the expert drafts it); sending
  it requires one. A market without lots is accepted alone.
- The market (and the lot) must be in force on the **quote date**: the supplier's offer is
  what is being accepted, and the date on it does not move when the request is edited later.
  Ordering checks again on the order date, since an order may not be placed on an ended market.
- The lot belongs to the market and names the supplier.
- The exception names the same supplier and is valid on the quote date (and on the order date).
- Each plan line's share of the total **including VAT** may exceed what that line has left
  (granted amount minus the other requests not cancelled) only with a reason: hospitals'
  investment budgets, the plan lines' granted amounts, are counted including VAT.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from saas.errors import UserError, sentence
from tenants.accounts.models import User
from tenants.campaigns.services import money
from tenants.inventory.models import Device
from tenants.markets.models import Lot, Market, Supplier
from tenants.mirror.models import ReferenceDeviceModel, ReferenceTerm
from tenants.plan.models import PlanLine
from tenants.purchasing import rules
from tenants.purchasing.models import (
    ChecklistItem,
    ChecklistKind,
    ChecklistStatus,
    DocumentJob,
    ExceptionCode,
    OffContractException,
    OrderLine,
    PurchaseFile,
    PurchaseRequest,
    RequestEvent,
    RequestState,
    RiskClass,
)
from tenants.purchasing.selectors import used_budgets
from tenants.wordtemplates import kinds, pdf
from tenants.wordtemplates.models import GeneratedDocument
from tenants.wordtemplates.services import produce

logger = logging.getLogger(__name__)

SHORT = 60
NAME = 120
TITLE = 300
LONG = 4000
MAX_LINES = 50
MAX_QUANTITY = 100_000
MAX_WARRANTY_MONTHS = 240
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
EMDN_SYSTEM = "emdn"


class Refused(UserError):
    """A purchasing change refused: who may not (403), changed meanwhile (409), or what was
    typed (400)."""


def _text(value: Any, field: str, limit: int) -> str:
    text = str(value or "").strip()
    if limit <= SHORT * 2:
        text = " ".join(text.split())
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


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _stale(locked: Any, expected_version: int | None) -> None:
    if expected_version is not None and locked.version != expected_version:
        raise Refused(
            "version", _("someone changed this since you opened it: reload the page"), status=409
        )


# Off-contract exceptions -------------------------------------------------------------------


@dataclass(frozen=True)
class ExceptionInput:
    code: str
    supplier: Supplier
    valid_from: date
    valid_until: date
    account_prefix: str = ""
    next_market: Market | None = None
    note: str = ""


def _exception_fields(data: ExceptionInput) -> dict[str, Any]:
    if data.code not in ExceptionCode.values:
        raise Refused("code", _("unknown exception code"))
    valid_from = _date(data.valid_from, "valid_from")
    valid_until = _date(data.valid_until, "valid_until")
    if valid_until < valid_from:
        raise Refused(
            "valid_until",
            _("cannot come before the start of validity (%(date)s)") % {"date": _day(valid_from)},
        )
    prefix = _text(data.account_prefix, "account_prefix", 20)
    if prefix and not (prefix.isascii() and prefix.replace(" ", "").isalnum()):
        raise Refused("account_prefix", _("digits and letters only (e.g. 2154)"))
    return {
        "code": data.code,
        "supplier": data.supplier,
        "valid_from": valid_from,
        "valid_until": valid_until,
        "account_prefix": prefix,
        "next_market": data.next_market,
        "note": _text(data.note, "note", LONG),
    }


def _require_buyer(by: User) -> None:
    if not rules.may_manage_exceptions(by):
        raise Refused("", _("only purchasing records off-contract exceptions"), status=403)


@transaction.atomic
def record_exception(data: ExceptionInput, *, by: User) -> OffContractException:
    _require_buyer(by)
    return OffContractException.objects.create(created_by=by, **_exception_fields(data))


@transaction.atomic
def update_exception(
    exception: OffContractException,
    data: ExceptionInput,
    *,
    by: User,
    expected_version: int | None = None,
) -> OffContractException:
    _require_buyer(by)
    locked = OffContractException.objects.select_for_update().get(pk=exception.pk)
    _stale(locked, expected_version)
    fields = _exception_fields(data)
    if fields["supplier"].pk != locked.supplier_id and locked.purchase_requests.exists():
        raise Refused("supplier", _("purchase requests already use this exception"), status=409)
    used = locked.purchase_requests.exclude(state=RequestState.CANCELLED)
    outside = (
        used.exclude(quote_date__gte=fields["valid_from"], quote_date__lte=fields["valid_until"])
        .order_by("quote_date")
        .first()
    )
    if outside is not None:
        raise Refused(
            "valid_until" if outside.quote_date > fields["valid_until"] else "valid_from",
            _("%(request)s uses this exception for a quote of %(date)s")
            % {"request": outside.reference, "date": _day(outside.quote_date)},
            status=409,
        )
    OffContractException.objects.filter(pk=locked.pk).update(
        version=F("version") + 1, updated=timezone.now(), **fields
    )
    locked.refresh_from_db()
    return locked


# Purchase files ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FileInput:
    title: str
    lead: User
    plan_lines: list[PlanLine]
    participants: list[User] = field(default_factory=list)
    deadline: date | None = None
    note: str = ""


def _file_fields(data: FileInput, by: User, new_lines: list[PlanLine]) -> dict[str, Any]:
    """The file's own fields; the lines it gains need the person's right to buy for them."""
    title = _text(data.title, "title", 200)
    if not title:
        raise Refused("title", _("name the project"))
    if not data.plan_lines:
        raise Refused("plan_lines", _("a purchase file gathers at least one plan line"))
    for line in new_lines:
        if not rules.may_draft_on(by, line):
            raise Refused(
                "plan_lines",
                _("you may not buy for %(line)s") % {"line": line.reference},
                status=403,
            )
    if not data.lead.is_active:
        raise Refused("lead", _("this person's account is disabled"))
    return {
        "title": title,
        "lead": data.lead,
        "deadline": _date(data.deadline, "deadline") if data.deadline is not None else None,
        "note": _text(data.note, "note", LONG),
    }


@transaction.atomic
def create_file(data: FileInput, *, by: User) -> PurchaseFile:
    """A new purchase file, with one checklist item per subject, to do."""
    if not rules.may_create(by):
        raise Refused("", _("you may not create a purchase file"), status=403)
    fields = _file_fields(data, by, data.plan_lines)
    file = PurchaseFile.objects.create(created_by=by, **fields)
    file.plan_lines.set(data.plan_lines)
    file.participants.set(data.participants)
    ChecklistItem.objects.bulk_create(
        [ChecklistItem(file=file, kind=kind) for kind in ChecklistKind.values]
    )
    return file


@transaction.atomic
def update_file(
    file: PurchaseFile, data: FileInput, *, by: User, expected_version: int | None = None
) -> PurchaseFile:
    locked = PurchaseFile.objects.select_for_update().get(pk=file.pk)
    if not rules.may_edit_file(by, locked):
        raise Refused("", _("you may not change this purchase file"), status=403)
    _stale(locked, expected_version)
    known = set(locked.plan_lines.values_list("pk", flat=True))
    fields = _file_fields(data, by, [line for line in data.plan_lines if line.pk not in known])
    kept = {line.pk for line in data.plan_lines}
    used = (
        OrderLine.objects.filter(request__file=locked)
        .exclude(plan_line_id__in=kept)
        .select_related("plan_line")
        .first()
    )
    if used is not None:
        raise Refused(
            "plan_lines",
            _("%(line)s has order lines in this file's purchase requests")
            % {"line": used.plan_line.reference},
            status=409,
        )
    PurchaseFile.objects.filter(pk=locked.pk).update(
        version=F("version") + 1, updated=timezone.now(), **fields
    )
    locked.plan_lines.set(data.plan_lines)
    locked.participants.set(data.participants)
    locked.refresh_from_db()
    return locked


@transaction.atomic
def add_line_to_file(file: PurchaseFile, line: PlanLine, *, by: User) -> PurchaseFile:
    if not (rules.may_edit_file(by, file) and rules.may_draft_on(by, line)):
        raise Refused("plan_line", _("you may not add this line to this file"), status=403)
    PurchaseFile.objects.filter(pk=file.pk).update(version=F("version") + 1)
    file.plan_lines.add(line)
    file.refresh_from_db()
    return file


@transaction.atomic
def update_checklist_item(
    item: ChecklistItem, *, by: User, owner: User | None, status: str, note: str = ""
) -> ChecklistItem:
    if not rules.may_edit_file(by, item.file):
        raise Refused("", _("you may not change this purchase file"), status=403)
    if status not in ChecklistStatus.values:
        raise Refused("status", _("unknown status"))
    if owner is not None and not owner.is_active:
        raise Refused("owner", _("this person's account is disabled"))
    item.owner, item.status, item.note = owner, status, _text(note, "note", 500)
    item.save(update_fields=["owner", "status", "note"])
    return item


# Purchase requests -------------------------------------------------------------------------


@dataclass(frozen=True)
class LineInput:
    plan_line: PlanLine
    description: str
    quantity: Any
    unit_price: Any
    vat_rate: Any = "20"
    model_name: str = ""
    reference_model: ReferenceDeviceModel | None = None
    emdn_code: str = ""
    risk_class: str = ""
    warranty_months: Any = 0
    to_inventory: bool = True
    taken_back: Device | None = None


@dataclass(frozen=True)
class RequestInput:
    supplier: Supplier
    quote_date: date
    lines: list[LineInput]
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    quote_number: str = ""
    market: Market | None = None
    lot: Lot | None = None
    exception: OffContractException | None = None
    over_budget_reason: str = ""
    note: str = ""
    file: PurchaseFile | None = None


def _ended(ends: date | None, starts: date | None, on: date) -> str:
    if ends is not None and ends < on:
        return _("ended on %(date)s, before %(on)s") % {"date": _day(ends), "on": _day(on)}
    if starts is not None and starts > on:
        return _("starts on %(date)s, after %(on)s") % {"date": _day(starts), "on": _day(on)}
    return ""


def check_procurement(
    supplier: Supplier,
    on: date,
    *,
    market: Market | None,
    lot: Lot | None,
    exception: OffContractException | None,
    complete: bool,
) -> None:
    """The market's lot or the exception this purchase is made under, for this supplier on
    this date; ``complete``: one of them is required (a request leaving draft)."""
    if exception is not None and (market is not None or lot is not None):
        raise Refused(
            "exception", _("a purchase is made on a market or under an exception, not both")
        )
    if exception is not None:
        if exception.supplier_id != supplier.pk:
            raise Refused(
                "exception",
                _("this exception is for %(other)s, not %(supplier)s")
                % {"other": exception.supplier, "supplier": supplier},
            )
        if not exception.valid_from <= on <= exception.valid_until:
            raise Refused(
                "exception",
                _("this exception is valid from %(start)s to %(end)s, not on %(on)s")
                % {
                    "start": _day(exception.valid_from),
                    "end": _day(exception.valid_until),
                    "on": _day(on),
                },
            )
        return
    if market is None:
        if lot is not None:
            raise Refused("market", _("choose the market of this lot"))
        if complete:
            raise Refused("market", _("choose a market and its lot, or an off-contract exception"))
        return
    if market.central_status == "deleted":
        raise Refused("market", _("the purchasing body has withdrawn this market"))
    if problem := _ended(market.ends, market.starts, on):
        raise Refused("market", _("this market %(problem)s") % {"problem": problem})
    if lot is None:
        if market.lots.exists():
            raise Refused("lot", _("choose the lot of this market"))
        return
    if lot.market_id != market.pk:
        raise Refused("lot", _("this lot is not one of this market's"))
    if problem := _ended(lot.ends, lot.starts, on):
        raise Refused("lot", _("this lot %(problem)s") % {"problem": problem})
    if not lot.suppliers.filter(pk=supplier.pk).exists():
        raise Refused("lot", _("this lot does not cover %(supplier)s") % {"supplier": supplier})


def _quantity(value: Any, field: str) -> int:
    try:
        quantity = int(re.sub(r"[\s\u00a0\u202f]", "", str(value)))
    except ValueError as exc:
        raise Refused(field, _("a whole number")) from exc
    if not 1 <= quantity <= MAX_QUANTITY:
        raise Refused(field, _("between 1 and %(max)s") % {"max": "100\u00a0000"})
    return quantity


def _money(value: Any, field: str) -> Decimal:
    try:
        return money(value, field)
    except UserError as error:  # the campaigns' own refusal: one kind of refusal here
        raise Refused(error.field, error.reason) from error


def _rate(value: Any, field: str) -> Decimal:
    try:
        rate = Decimal(str(value).strip().replace(",", ".").rstrip("%").strip())
    except (InvalidOperation, ValueError) as exc:
        raise Refused(field, _("a percentage (e.g. 20 or 5,5)")) from exc
    if not rate.is_finite() or not 0 <= rate <= 100 or rate != rate.quantize(Decimal("0.01")):
        raise Refused(field, _("a percentage from 0 to 100, two decimals at most"))
    return rate


def _months(value: Any, field: str) -> int:
    try:
        months = int(str(value if value not in (None, "") else 0).strip())
    except ValueError as exc:
        raise Refused(field, _("a whole number of months")) from exc
    if not 0 <= months <= MAX_WARRANTY_MONTHS:
        raise Refused(field, _("between 0 and %(max)s months") % {"max": MAX_WARRANTY_MONTHS})
    return months


def _emdn(code: str, field: str) -> str:
    """Free text, checked against the EMDN codes the tenant mirrors when it mirrors some."""
    code = _text(code, field, 40).upper()
    if not code:
        return ""
    terms = ReferenceTerm.objects.filter(system__iexact=EMDN_SYSTEM)
    if terms.exists() and not terms.filter(code__iexact=code).exists():
        raise Refused(field, _("“%(code)s” is not an EMDN code") % {"code": code})
    return code


def _clean_lines(
    lines: list[LineInput], by: User, file: PurchaseFile | None, *, was: set[int]
) -> list[OrderLine]:
    if not lines:
        raise Refused("lines", _("a purchase request has at least one order line"))
    if len(lines) > MAX_LINES:
        raise Refused("lines", _("%(max)s order lines at most") % {"max": MAX_LINES})
    in_file = set(file.plan_lines.values_list("pk", flat=True)) if file is not None else None
    cleaned = []
    for i, line in enumerate(lines):
        at = f"lines[{i}]."
        plan_line = line.plan_line
        if plan_line.pk not in was and not rules.may_draft_on(by, plan_line):
            raise Refused(
                at + "plan_line",
                _("you may not buy for %(line)s") % {"line": plan_line.reference},
                status=403,
            )
        if plan_line.closed:
            raise Refused(at + "plan_line", _("this plan line is closed"))
        if in_file is not None and plan_line.pk not in in_file:
            raise Refused(at + "plan_line", _("this plan line is not in the purchase file"))
        description = _text(line.description, at + "description", TITLE)
        if not description:
            raise Refused(at + "description", _("describe what is bought"))
        if line.risk_class and line.risk_class not in RiskClass.values:
            raise Refused(at + "risk_class", _("unknown risk class"))
        cleaned.append(
            OrderLine(
                plan_line=plan_line,
                description=description,
                model_name=_text(line.model_name, at + "model_name", 200),
                reference_model=line.reference_model,
                emdn_code=_emdn(line.emdn_code, at + "emdn_code"),
                risk_class=line.risk_class,
                quantity=_quantity(line.quantity, at + "quantity"),
                unit_price=_money(line.unit_price, at + "unit_price"),
                vat_rate=_rate(line.vat_rate, at + "vat_rate"),
                warranty_months=_months(line.warranty_months, at + "warranty_months"),
                to_inventory=bool(line.to_inventory),
                taken_back=line.taken_back,
                position=i,
            )
        )
    return cleaned


def check_budget(lines: list[OrderLine], reason: str, *, but: int | None = None) -> None:
    """Each plan line's share of the total including VAT within what that line has left, or
    a reason given: room left on one line does not pay for another's overspending.

    The plan lines' rows are locked first (in a steady order): two requests drawing on the
    same line at once are checked one after the other, the second seeing the first's lines."""
    plan_lines = {line.plan_line_id: line.plan_line for line in lines}
    list(PlanLine.objects.select_for_update().filter(pk__in=plan_lines).order_by("pk"))
    used = used_budgets(plan_lines, but=but)
    drawn: dict[int, Decimal] = {}
    for line in lines:
        drawn[line.plan_line_id] = drawn.get(line.plan_line_id, Decimal("0.00")) + (
            line.total_incl_vat
        )
    if reason:
        return
    for pk in sorted(plan_lines):
        left = plan_lines[pk].amount - used.get(pk, Decimal("0.00"))
        if drawn[pk] > left:
            raise Refused(
                "over_budget_reason",
                _(
                    "the total including VAT on %(line)s (%(total)s €) exceeds what it has "
                    "left (%(left)s €): say why"
                )
                % {
                    "line": plan_lines[pk].reference,
                    "total": _euros(drawn[pk]),
                    "left": _euros(left),
                },
            )


def _euros(amount: Decimal) -> str:
    return f"{amount:,.2f}".replace(",", "\u202f").replace(".", ",")


def _request_fields(data: RequestInput) -> dict[str, Any]:
    return {
        "supplier": data.supplier,
        "quote_date": _date(data.quote_date, "quote_date"),
        "contact_name": _text(data.contact_name, "contact_name", NAME),
        "contact_email": _text(data.contact_email, "contact_email", 254),
        "contact_phone": _text(data.contact_phone, "contact_phone", 30),
        "quote_number": _text(data.quote_number, "quote_number", SHORT),
        "market": data.market,
        "lot": data.lot,
        "exception": data.exception,
        "over_budget_reason": _text(data.over_budget_reason, "over_budget_reason", LONG),
        "note": _text(data.note, "note", LONG),
        "file": data.file,
    }


def _check(
    data: RequestInput,
    fields: dict[str, Any],
    lines: list[OrderLine],
    *,
    complete: bool,
    but: int | None,
) -> None:
    check_procurement(
        data.supplier,
        fields["quote_date"],
        market=data.market,
        lot=data.lot,
        exception=data.exception,
        complete=complete,
    )
    check_budget(lines, fields["over_budget_reason"], but=but)


@transaction.atomic
def save_purchase_request(
    data: RequestInput,
    *,
    by: User,
    item: PurchaseRequest | None = None,
    expected_version: int | None = None,
) -> PurchaseRequest:
    """Create a draft purchase request, or change one (a draft, or one sent: by a buyer)."""
    if item is None:
        if not rules.may_create(by):
            raise Refused("", _("you may not draft a purchase request"), status=403)
        if data.file is not None and not rules.may_edit_file(by, data.file):
            raise Refused("file", _("you may not add to this purchase file"), status=403)
        fields = _request_fields(data)
        lines = _clean_lines(data.lines, by, data.file, was=set())
        _check(data, fields, lines, complete=False, but=None)
        item = PurchaseRequest.objects.create(created_by=by, **fields)
        _event(item, "create", by)
    else:
        item = _locked(item, expected_version)
        if not rules.may_edit(by, item):
            raise Refused("", _("you may not change this purchase request now"), status=403)
        if (
            data.file is not None
            and data.file.pk != item.file_id
            and not rules.may_edit_file(by, data.file)
        ):  # as when creating: moving a request into a file is changing the file
            raise Refused("file", _("you may not add to this purchase file"), status=403)
        fields = _request_fields(data)
        was = set(item.lines.values_list("plan_line_id", flat=True))
        lines = _clean_lines(data.lines, by, data.file, was=was)
        if item.state == RequestState.SENT and not rules.buys_all(
            by, [line.plan_line for line in lines]
        ):
            raise Refused("lines", _("you may not buy for every plan line"), status=403)
        _check(data, fields, lines, complete=item.state != RequestState.DRAFT, but=item.pk)
        PurchaseRequest.objects.filter(pk=item.pk).update(
            version=F("version") + 1, updated=timezone.now(), **fields
        )
        item.lines.all().delete()
        item.refresh_from_db()
    for line in lines:
        line.request = item
    OrderLine.objects.bulk_create(lines)
    return item


def _locked(item: PurchaseRequest, expected_version: int | None) -> PurchaseRequest:
    locked = (
        PurchaseRequest.objects.select_for_update(of=("self",))
        .select_related("supplier", "market", "lot", "exception", "file")
        .get(pk=item.pk)
    )
    _stale(locked, expected_version)
    return locked


def _event(item: PurchaseRequest, action: str, by: User, note: str = "") -> None:
    RequestEvent.objects.create(request=item, action=action, actor=by, note=note)


def _allowed(item: PurchaseRequest, action: str, by: User) -> None:
    if action not in rules.available_actions(by, item):
        raise Refused("", _("this purchase request cannot be changed that way now"), status=403)


def _move(
    item: PurchaseRequest,
    action: str,
    *,
    by: User,
    expected_version: int | None,
    note: str = "",
    **fields: Any,
) -> PurchaseRequest:
    _allowed(item, action, by)
    note = _text(note, "note", LONG)
    PurchaseRequest.objects.filter(pk=item.pk).update(
        version=F("version") + 1, updated=timezone.now(), **fields
    )
    _event(item, action, by, note)
    item.refresh_from_db()
    return item


def _complete(item: PurchaseRequest, on: date) -> None:
    """Every rule a request leaving draft is held to, ``on`` its quote date (and the order's)."""
    lines = list(item.lines.select_related("plan_line"))
    check_procurement(
        item.supplier,
        on,
        market=item.market,
        lot=item.lot,
        exception=item.exception,
        complete=True,
    )
    check_budget(lines, item.over_budget_reason, but=item.pk)


@transaction.atomic
def send_request(
    item: PurchaseRequest, *, by: User, expected_version: int | None = None, note: str = ""
) -> PurchaseRequest:
    """The buyer validates the request and sends it to the supplier."""
    item = _locked(item, expected_version)
    if item.state != RequestState.DRAFT:
        raise Refused("", _("only a draft is sent"), status=409)
    _allowed(item, "send", by)
    _complete(item, item.quote_date)
    return _move(
        item,
        "send",
        by=by,
        expected_version=expected_version,
        note=note,
        state=RequestState.SENT,
    )


@transaction.atomic
def return_to_draft(
    item: PurchaseRequest, *, by: User, expected_version: int | None = None, note: str = ""
) -> PurchaseRequest:
    item = _locked(item, expected_version)
    return _move(
        item,
        "return",
        by=by,
        expected_version=expected_version,
        note=note,
        state=RequestState.DRAFT,
    )


@transaction.atomic
def order_request(
    item: PurchaseRequest,
    *,
    by: User,
    order_number: str = "",
    ordered_on: date | None = None,
    expected_version: int | None = None,
    note: str = "",
) -> PurchaseRequest:
    """The order is placed: the market (or the exception) must still hold on its date."""
    item = _locked(item, expected_version)
    if item.state != RequestState.SENT:
        raise Refused("", _("only a sent request is ordered"), status=409)
    _allowed(item, "order", by)
    ordered_on = _date(ordered_on or timezone.localdate(), "ordered_on")
    if ordered_on < item.quote_date:
        raise Refused(
            "ordered_on",
            _("cannot come before the quote date (%(date)s)") % {"date": _day(item.quote_date)},
        )
    check_procurement(
        item.supplier,
        ordered_on,
        market=item.market,
        lot=item.lot,
        exception=item.exception,
        complete=True,
    )
    return _move(
        item,
        "order",
        by=by,
        expected_version=expected_version,
        note=note,
        state=RequestState.ORDERED,
        ordered_on=ordered_on,
        order_number=_text(order_number, "order_number", SHORT),
    )


@transaction.atomic
def cancel_request(
    item: PurchaseRequest, *, by: User, expected_version: int | None = None, note: str = ""
) -> PurchaseRequest:
    item = _locked(item, expected_version)
    return _move(
        item,
        "cancel",
        by=by,
        expected_version=expected_version,
        note=note,
        state=RequestState.CANCELLED,
    )


# -- Documents from the Word templates ---------------------------------------------------------

DOCUMENT_KINDS = (kinds.PURCHASE_REQUEST_FORM, kinds.ORDER_LETTER)


@transaction.atomic
def produce_documents(item: PurchaseRequest, *, by: User) -> list[GeneratedDocument]:
    """The request form and the order letter, DOCX and PDF, from the templates in use,
    attached to the request with their template versions: both or none.

    Run by a worker (``run_document_job``): the pages ask through ``start_documents``."""
    item = _locked(item, None)
    if item.state == RequestState.CANCELLED:
        raise Refused("", _("a cancelled purchase request has no documents produced"), status=409)
    if not rules.may_produce_documents(by, item):
        raise Refused("", _("only a buyer produces this request's documents"), status=403)
    try:
        return [produce(kind, item, by=by) for kind in DOCUMENT_KINDS]
    except pdf.ConverterMissing as exc:
        logger.error("Purchase request documents: %s", exc)
        raise Refused(
            "",
            _("the PDF converter (LibreOffice) is not installed on the server: tell the support"),
            status=503,
        ) from exc
    except pdf.ConversionFailed as exc:
        logger.warning("Purchase request documents: %s", exc)
        raise Refused(
            "", _("LibreOffice could not make the PDF; try again in a moment"), status=503
        ) from exc


ACTIVE_JOB_STATES = (DocumentJob.State.QUEUED, DocumentJob.State.RUNNING)


def start_documents(
    item: PurchaseRequest, *, by: User, expected_version: int | None
) -> tuple[DocumentJob, bool]:
    """Ask a worker for the request's documents; returns the job and whether it is a new one.

    Idempotent: while a job for the request is queued or running, asking again answers with
    that job (a second click, a second buyer). The page's version must still be the
    request's: documents of a request changed since the page was shown are refused (409).
    The request's row lock orders two askers; the table's partial unique constraint on the
    active job holds even for a path that forgets the lock."""
    from tenants.purchasing.tasks import produce_documents_task

    with transaction.atomic():
        locked = _locked(item, None)
        if locked.state == RequestState.CANCELLED:
            raise Refused(
                "", _("a cancelled purchase request has no documents produced"), status=409
            )
        if not rules.may_produce_documents(by, locked):
            raise Refused("", _("only a buyer produces this request's documents"), status=403)
        if expected_version is not None and locked.version != expected_version:
            raise Refused(
                "version",
                _(
                    "this purchase request was changed since the page was shown: reload the"
                    " page and check it before producing its documents"
                ),
                status=409,
            )
        active = _active_job(locked)
        if active is not None:
            if not active.is_lost:
                return active, False
            _give_up(active)
        try:
            with transaction.atomic():
                job = DocumentJob.objects.create(
                    request=locked, version=locked.version, requested_by=by
                )
        except IntegrityError:
            # Another asker got in first without the lock: theirs is the job.
            existing = _active_job(locked)
            if existing is None:
                raise
            return existing, False
        transaction.on_commit(lambda: produce_documents_task.delay(job.pk))
    return job, True


def _active_job(item: PurchaseRequest) -> DocumentJob | None:
    return (
        DocumentJob.objects.select_for_update()
        .filter(request=item, state__in=ACTIVE_JOB_STATES)
        .first()
    )


def _give_up(job: DocumentJob) -> None:
    """A job its worker never finished: failed, with the reason the page shows."""
    job.reason = str(job.failure)  # while it still counts as lost
    job.state = DocumentJob.State.FAILED
    job.finished = timezone.now()
    job.save(update_fields=["state", "reason", "finished"])


def run_document_job(job_id: int) -> DocumentJob | None:
    """The worker's side: produce the documents a job asked for and record how it went.

    A job no longer queued (run already, given up, or delivered twice) is left as it is."""
    from django.conf import settings

    with transaction.atomic():
        job = (
            DocumentJob.objects.select_for_update(of=("self",))
            .select_related("request", "requested_by")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.state != DocumentJob.State.QUEUED:
            return job
        job.state = DocumentJob.State.RUNNING
        job.started = timezone.now()
        job.save(update_fields=["state", "started"])
    # The reason is kept in the product's language, whatever the worker's.
    with translation.override(settings.LANGUAGE_CODE):
        try:
            produce_documents(job.request, by=job.requested_by)
        except UserError as refused:
            job.state, job.reason = DocumentJob.State.FAILED, sentence(str(refused.reason))
        except Exception:
            logger.exception("documents of purchase request %s failed", job.request_id)
            job.state = DocumentJob.State.FAILED
            job.reason = _(
                "An unexpected error stopped the production. Try again; if it happens again,"
                " tell the support."
            )
        else:
            job.state, job.reason = DocumentJob.State.DONE, ""
    job.finished = timezone.now()
    job.save(update_fields=["state", "reason", "finished"])
    return job
