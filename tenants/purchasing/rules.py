"""Who may do what in purchasing: one place, read by the pages, the services and the sections.

- Buyers (``Action.BUY``, on the plan lines' scope) record off-contract exceptions, write
  purchase requests in any open state, validate and send them, order and cancel them.
- The biomedical team may *draft*: an expert whose grant covers a plan line (its expertise
  domain, as for managing the line: ``Action.MANAGE_LINES``) may create and edit the draft
  purchase requests whose lines are all theirs, and cancel them while they are drafts.
- Buyers covering every line produce its documents (the request form and the order letter,
  DOCX and PDF, from the Word templates) in any state but cancelled.
- A purchase file is changed by buyers covering its lines, by its lead and its participants.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tenants.access.permissions import Action, has_permission
from tenants.plan.models import PlanLine
from tenants.purchasing.models import PurchaseFile, PurchaseRequest, RequestState


def may_buy(user: Any, line: PlanLine | None = None) -> bool:
    return has_permission(user, Action.BUY, line)


def may_draft_on(user: Any, line: PlanLine) -> bool:
    """May this person put this plan line in a draft purchase request?"""
    return not line.closed and (
        has_permission(user, Action.BUY, line) or has_permission(user, Action.MANAGE_LINES, line)
    )


def may_create(user: Any) -> bool:
    return has_permission(user, Action.BUY) or has_permission(user, Action.MANAGE_LINES)


def may_manage_exceptions(user: Any) -> bool:
    return has_permission(user, Action.BUY)


def may_view(user: Any) -> bool:
    return has_permission(user, Action.VIEW_PURCHASES)


def _plan_lines(item: PurchaseRequest) -> list[PlanLine]:
    return [line.plan_line for line in item.lines.all()]


def buys_all(user: Any, lines: Iterable[PlanLine]) -> bool:
    lines = list(lines)
    return may_buy(user) and all(may_buy(user, line) for line in lines)


def may_edit(user: Any, item: PurchaseRequest) -> bool:
    """May this person change the request's fields and lines now?"""
    lines = _plan_lines(item)
    if item.state == RequestState.DRAFT:
        if not lines:
            return may_buy(user)
        return all(may_draft_on(user, line) for line in lines)
    if item.state == RequestState.SENT:
        return buys_all(user, lines)
    return False


def may_produce_documents(user: Any, item: PurchaseRequest) -> bool:
    """The request form and the order letter are the buyers' to issue (those who may send the
    request): in any state but cancelled. An expert drafting prints the request's page."""
    return item.state != RequestState.CANCELLED and buys_all(user, _plan_lines(item))


def available_actions(user: Any, item: PurchaseRequest) -> list[str]:
    """The state changes this person may make on the request now."""
    lines = _plan_lines(item)
    buyer = buys_all(user, lines)
    actions: list[str] = []
    if item.state == RequestState.DRAFT:
        if buyer:
            actions.append("send")
        if buyer or may_edit(user, item):
            actions.append("cancel")
    elif item.state == RequestState.SENT and buyer:
        actions += ["return", "order", "cancel"]
    return actions


def may_edit_file(user: Any, file: PurchaseFile) -> bool:
    if not may_view(user) and not may_buy(user):
        return False
    pk = getattr(user, "pk", None)
    if file.lead_id == pk or file.participants.filter(pk=pk).exists():
        return True
    return buys_all(user, file.plan_lines.all())
