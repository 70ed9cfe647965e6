"""Lines enter the plan when the commission grants a request; then they are followed.

Every change to a line is one function here that, in one transaction with the line locked,
checks the field against the table of ``tenants.plan.rules`` (who may change what, in which
state), refuses a change made on an older version of the line (``expected_version``: two
managers editing one line), checks the value, writes it and bumps the version. A refusal
names the field and changes nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from saas.errors import UserError
from tenants.access.permissions import Action, has_permission
from tenants.accounts.models import User
from tenants.campaigns.services import Refused as CampaignRefused
from tenants.campaigns.services import money
from tenants.plan import rules
from tenants.plan.models import (
    AmountSource,
    LineEvent,
    LineStep,
    PlanLine,
    Procedure,
    StepDefinition,
    StepStatus,
)
from tenants.plan.signals import order_number_changed
from tenants.plan.steps import status_after_steps
from tenants.requests.models import EquipmentRequest, RequestState

NOTE_LIMIT = 5000  # a note longer than this is a pasted document, not a note
STEP_NOTE_LIMIT = 500
REASON_LIMIT = 2000
ORDER_NUMBER_LIMIT = 60
INVENTORY_NUMBER_LIMIT = 40  # the inventory's own limit
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


class Refused(UserError):
    """A change to a plan line refused: who may not (403), someone acted meanwhile or the
    line's state forbids it (409), or what was typed (400)."""


def add_granted_request(request: EquipmentRequest, *, by: User) -> PlanLine:
    """The plan line of a granted request (called in the grant's transaction)."""
    if request.state != RequestState.GRANTED or request.granted_amount is None:
        raise ValueError("only a granted request, with its amount, enters the plan")
    line, _created = PlanLine.objects.update_or_create(
        request=request,
        defaults={
            "campaign": request.campaign,
            "year": request.campaign.year,
            "uf": request.uf,
            "nature": request.nature,
            "title": request.title,
            "amount": request.granted_amount,
            "created_by": by,
        },
    )
    return line


def _locked(line: PlanLine, expected_version: int | None) -> PlanLine:
    locked = (
        PlanLine.objects.select_for_update(of=("self",))
        .select_related("request", "uf__service__pole")
        .get(pk=line.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise Refused(
            "version", _("someone changed this line since you opened it: reload it"), status=409
        )
    return locked


def _save(line: PlanLine, **fields: Any) -> PlanLine:
    PlanLine.objects.filter(pk=line.pk).update(
        version=F("version") + 1, updated=timezone.now(), **fields
    )
    line.refresh_from_db()
    return line


def _event(line: PlanLine, action: str, by: User, reason: str = "", **data: Any) -> None:
    LineEvent.objects.create(line=line, action=action, actor=by, reason=reason, data=data)


@transaction.atomic
def assign_manager(
    line: PlanLine, manager: User | None, *, by: User, expected_version: int | None = None
) -> PlanLine:
    """Name the line's operation manager: an expert whose scope covers the line."""
    line = _locked(line, expected_version)
    rules.require_field(by, line, rules.MANAGER)
    if manager is not None and not has_permission(manager, Action.MANAGE_LINES, line):
        raise Refused(rules.MANAGER, _("this person is not an expert for this line"))
    before = line.manager_id
    line = _save(line, manager=manager)
    _event(line, "assign_manager", by, before=before, after=manager.pk if manager else None)
    return line


def _amount(value: Any, field: str) -> Any:
    if value in (None, ""):
        return None
    try:
        return money(value, field)
    except CampaignRefused as refused:
        raise Refused(field, refused.reason) from refused


def _month(value: Any, line: PlanLine) -> date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, date):
        raise Refused(rules.COMMISSIONING, _("not a month (e.g. 03/2027)"))
    month = value.replace(day=1)
    if not EARLIEST <= month <= LATEST:
        raise Refused(rules.COMMISSIONING, _("must be between 2000 and 2100"))
    granted = timezone.localtime(line.created).date().replace(day=1)
    if month < granted:
        raise Refused(
            rules.COMMISSIONING,
            _("cannot come before the grant (%(month)s)") % {"month": granted.strftime("%m/%Y")},
        )
    return month


def _text(value: Any, field: str, limit: int) -> str:
    text = str(value or "").strip()
    if "\x00" in text:
        raise Refused(field, _("contains a character that is not text"))
    if len(text) > limit:
        raise Refused(field, _("is too long (%(limit)s characters at most)") % {"limit": limit})
    return text


@transaction.atomic
def update_line(
    line: PlanLine,
    changes: dict[str, Any],
    *,
    by: User,
    expected_version: int | None = None,
    source: str = AmountSource.MANUAL,
) -> PlanLine:
    """Change some of the line's own fields (procedure, amounts, commissioning month, notes).

    Only the fields that differ from the line's are checked against the rules: a form that
    sends back a field unchanged does not need the right to change it. A field the person
    may not even read is refused whatever its value: were an unchanged one accepted, a
    requester could guess an amount or the private note, one value at a time.
    """
    line = _locked(line, expected_version)
    cleaned: dict[str, Any] = {}
    for field, raw in changes.items():
        if not rules.may_read(by, line, field):
            raise Refused(field, _("you may not change this on this line"), status=403)
        try:
            value = _cleaned(field, raw, line)
        except Refused as refused:
            # Whoever may never change the field is told so, not what is wrong with the
            # value: checking values teaches a stranger nothing.
            if field in rules.EVERY_FIELD and not rules.may_ever_change(by, line, field):
                raise Refused(
                    field, _("you may not change this on this line"), status=403
                ) from refused
            raise
        if value != getattr(line, field):
            rules.require_field(by, line, field)
            cleaned[field] = value
    for field, source_field in (
        (rules.COMMITTED, "committed_source"),
        (rules.PAID, "paid_source"),
    ):
        if field not in cleaned:
            continue
        if getattr(line, source_field) == AmountSource.FINANCE and source != AmountSource.FINANCE:
            # The finance system's amount stays the line's; what the person typed is kept
            # beside it (and comes back should the orders be unlinked).
            cleaned[f"typed_{field}"] = cleaned.pop(field)
        else:
            cleaned[source_field] = source if cleaned[field] is not None else ""
    if not cleaned:
        return line
    line = _save(line, **cleaned)
    if {rules.ORDER_NUMBER, rules.INVENTORY_NUMBERS} & set(cleaned):
        from tenants.plan.delivery import link_line

        link_line(line)
    if rules.ORDER_NUMBER in cleaned:
        # In this transaction: the finance system's orders follow the number (finance app).
        order_number_changed.send(sender=PlanLine, line=line)
        line.refresh_from_db()  # the receivers may have changed it (its amounts)
    return line


FINANCE_AMOUNTS = ((rules.COMMITTED, "committed_source"), (rules.PAID, "paid_source"))


def apply_finance_amounts(
    line: PlanLine, committed: Decimal | None, paid: Decimal | None
) -> PlanLine:
    """The committed and paid amounts of the finance system's order lines linked to the line
    (None: no order linked). They replace the typed ones, which are kept beside them and come
    back once no order is linked any more. A line whose amounts do not change is not saved."""
    line = _locked(line, None)
    changes: dict[str, Any] = {}
    for (field, source_field), value in zip(FINANCE_AMOUNTS, (committed, paid), strict=True):
        from_finance = getattr(line, source_field) == AmountSource.FINANCE
        typed_field = f"typed_{field}"
        if value is not None:
            if not from_finance:
                changes[typed_field] = getattr(line, field)
                changes[source_field] = AmountSource.FINANCE
            if getattr(line, field) != value or not from_finance:
                changes[field] = value
        elif from_finance:
            typed = getattr(line, typed_field)
            changes[field] = typed
            changes[source_field] = AmountSource.MANUAL if typed is not None else ""
            changes[typed_field] = None
    if not changes:
        return line
    return _save(line, **changes)


def _cleaned(field: str, raw: Any, line: PlanLine) -> Any:
    """The value typed for one of the line's own fields, or a refusal naming it."""
    if field == rules.PROCEDURE:
        value: Any = raw or ""
        if value and value not in Procedure.values:
            raise Refused(field, _("not a procedure"))
    elif field in rules.AMOUNTS:
        value = _amount(raw, field)
    elif field == rules.COMMISSIONING:
        value = _month(raw, line)
    elif field in (rules.PRIVATE_NOTE, rules.PUBLIC_NOTE):
        value = _text(raw, field, NOTE_LIMIT)
    elif field == rules.ORDER_NUMBER:
        value = " ".join(_text(raw, field, ORDER_NUMBER_LIMIT).split())
    elif field == rules.INVENTORY_NUMBERS:
        value = _inventory_numbers(raw)
    else:
        raise Refused(field, _("this field cannot be changed here"))
    return value


def _inventory_numbers(raw: Any) -> str:
    from tenants.plan.delivery import MAX_NUMBERS, parse_numbers

    numbers = parse_numbers(_text(raw, rules.INVENTORY_NUMBERS, NOTE_LIMIT))
    if len(numbers) > MAX_NUMBERS:
        raise Refused(
            rules.INVENTORY_NUMBERS,
            _("%(limit)s inventory numbers at most") % {"limit": MAX_NUMBERS},
        )
    too_long = [n for n in numbers if len(n) > INVENTORY_NUMBER_LIMIT]
    if too_long:
        raise Refused(
            rules.INVENTORY_NUMBERS,
            _("“%(number)s” is longer than an inventory number (%(limit)s characters)")
            % {"number": too_long[0][:50], "limit": INVENTORY_NUMBER_LIMIT},
        )
    return ", ".join(numbers)


@transaction.atomic
def set_step(
    line: PlanLine,
    definition: StepDefinition,
    *,
    status: str,
    on: date | None = None,
    note: str = "",
    by: User,
    expected_version: int | None = None,
) -> PlanLine:
    """Where the line stands on one of its steps: status, date, note. The line's status
    follows its milestones (ordered, received, commissioned)."""
    line = _locked(line, expected_version)
    rules.require_field(by, line, rules.STEPS)
    if definition.nature != line.nature or definition.hidden:
        raise Refused("step", _("this step is not one of this line's"))
    if status not in StepStatus.values:
        raise Refused("status", _("not a step status"))
    if on is not None and not EARLIEST <= on <= LATEST:
        raise Refused("date", _("must be between 2000 and 2100"))
    note = _text(note, "note", STEP_NOTE_LIMIT)
    LineStep.objects.update_or_create(
        line=line, definition=definition, defaults={"status": status, "date": on, "note": note}
    )
    reached = status_after_steps(line)
    # Finished once commissioned (the first time); undoing the last step unfinishes it.
    commissioned = reached == PlanLine.Status.COMMISSIONED
    finished = (line.finished_at or timezone.now()) if commissioned else None
    return _save(line, status=reached, finished_at=finished)


def set_step_status(
    line: PlanLine,
    definition: StepDefinition,
    *,
    status: str,
    by: User,
    expected_version: int | None = None,
) -> PlanLine:
    """A step's status changed from a list's row: its date and note stay as they were, and a
    step done without a date is dated today."""
    found = LineStep.objects.filter(line=line, definition=definition).first()
    on = found.date if found else None
    if on is None and status == StepStatus.DONE:
        on = timezone.localdate()
    return set_step(
        line,
        definition,
        status=status,
        on=on,
        note=found.note if found else "",
        by=by,
        expected_version=expected_version,
    )


@transaction.atomic
def set_settled(
    line: PlanLine, settled: bool, *, by: User, expected_version: int | None = None
) -> PlanLine:
    """*Soldé*: the amounts are final (and the envelope counts the ordered amount)."""
    line = _locked(line, expected_version)
    rules.require_field(by, line, rules.SETTLED)
    if settled == line.settled:
        return line
    if settled and line.ordered_amount is None:
        raise Refused(rules.ORDERED, _("type the ordered amount before settling the line"))
    line = _save(line, settled=settled)
    _event(line, "settle" if settled else "unsettle", by)
    return line


@transaction.atomic
def close_line(line: PlanLine, *, by: User, expected_version: int | None = None) -> PlanLine:
    """*Clôturer*: the line is finished and becomes read-only."""
    line = _locked(line, expected_version)
    if line.closed:
        raise Refused(rules.CLOSED, _("this line is already closed"), status=409)
    rules.require_field(by, line, rules.CLOSED)
    line = _save(line, closed=True, closed_at=timezone.now())
    _event(line, "close", by)
    return line


@transaction.atomic
def reopen_line(
    line: PlanLine, *, reason: str, by: User, expected_version: int | None = None
) -> PlanLine:
    """Reopen a closed line, saying why (recorded on the line's page)."""
    line = _locked(line, expected_version)
    if not line.closed:
        raise Refused(rules.CLOSED, _("this line is not closed"), status=409)
    rules.require_field(by, line, rules.CLOSED)
    reason = _text(reason, "reason", REASON_LIMIT)
    if not reason:
        raise Refused("reason", _("say why the line is reopened"))
    line = _save(line, closed=False, closed_at=None)
    _event(line, "reopen", by, reason=reason)
    return line


@transaction.atomic
def change_line(
    line: PlanLine, changes: dict[str, Any], *, by: User, expected_version: int
) -> PlanLine:
    """Several changes to one line at once (the tenant API's PATCH), all or nothing.

    ``changes`` holds any of the line's own fields (``update_line``), ``manager`` (a User or
    None), ``settled``, ``closed`` and, to reopen, ``reason``. They describe the line as wanted:
    a value equal to the line's changes nothing and needs no right. Each change goes through
    its own service, so the table of ``tenants.plan.rules`` refuses alike, in the order that
    lets one request reopen a line, change it and close it again: reopen, manager, unsettle,
    fields, settle, close. The first refusal undoes the others.
    """
    changes = dict(changes)
    manager_given = rules.MANAGER in changes
    manager: User | None = changes.pop(rules.MANAGER, None)
    settled: bool | None = changes.pop(rules.SETTLED, None)
    closed: bool | None = changes.pop(rules.CLOSED, None)
    reason: str | None = changes.pop("reason", None)
    line = _locked(line, expected_version)
    if reason is not None and not (closed is False and line.closed):
        raise Refused("reason", _("a reason is only given when reopening a closed line"))
    if closed is False and line.closed:
        line = reopen_line(line, reason=reason or "", by=by, expected_version=line.version)
    if manager_given and (manager.pk if manager else None) != line.manager_id:
        line = assign_manager(line, manager, by=by, expected_version=line.version)
    if settled is False and line.settled:
        line = set_settled(line, False, by=by, expected_version=line.version)
    if changes:
        line = update_line(line, changes, by=by, expected_version=line.version)
    if settled is True and not line.settled:
        line = set_settled(line, True, by=by, expected_version=line.version)
    if closed is True and not line.closed:
        line = close_line(line, by=by, expected_version=line.version)
    return line
