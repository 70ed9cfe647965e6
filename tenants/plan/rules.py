"""Who may change which field of a plan line, in which state: one table, read everywhere.

The line page offers only the fields this table gives the person, and every service that
changes a line asks it first (``require_field``), so the page, the list and the API refuse
alike. A person's *roles on a line* come from their grants on the line's scope and from the
line itself (its manager):

- ``manager``: the line's operation manager (an expert named by a dispatcher);
- ``assigner``: a dispatcher (or administrator) whose scope covers the line;
- ``buyer``: purchasing, on the line's scope;
- ``finance``: the finance team, on the line's scope;
- ``administrator``: the tenant's administrator.

A line is ``open``, ``settled`` (*soldé*: its amounts are final) or ``closed`` (*clôturé*:
finished, read-only until its manager reopens it).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _

from tenants.access.permissions import Action, has_permission
from tenants.plan.models import PlanLine


class LineState(StrEnum):
    OPEN = "open"
    SETTLED = "settled"
    CLOSED = "closed"


class LineRole(StrEnum):
    MANAGER = "manager"
    ASSIGNER = "assigner"
    BUYER = "buyer"
    FINANCE = "finance"
    ADMINISTRATOR = "administrator"


# What the fields are called in the table (a step's status, date and note are "steps").
MANAGER = "manager"
STEPS = "steps"
PROCEDURE = "procedure"
ESTIMATED = "estimated_amount"
ORDERED = "ordered_amount"
COMMITTED = "committed_amount"
PAID = "paid_amount"
COMMISSIONING = "commissioning_month"
PRIVATE_NOTE = "private_note"
ORDER_NUMBER = "order_number"
INVENTORY_NUMBERS = "inventory_numbers"
PUBLIC_NOTE = "public_note"
SETTLED = "settled"
CLOSED = "closed"

AMOUNTS = frozenset({ESTIMATED, ORDERED, COMMITTED, PAID})
# What only those who follow the plan read (the line's page and the API hide them from the
# others): a change to one of them is never compared with its value for whoever may not.
TEAM_ONLY = AMOUNTS | {PROCEDURE, PRIVATE_NOTE}
_FOLLOW_UP = frozenset(
    {STEPS, PROCEDURE, COMMISSIONING, PRIVATE_NOTE, PUBLIC_NOTE, ORDER_NUMBER, INVENTORY_NUMBERS}
)

EDITABLE: dict[LineState, dict[LineRole, frozenset[str]]] = {
    LineState.OPEN: {
        LineRole.MANAGER: _FOLLOW_UP | AMOUNTS | {SETTLED, CLOSED},
        LineRole.ASSIGNER: frozenset({MANAGER}),
        LineRole.BUYER: frozenset({STEPS, PROCEDURE, ORDERED, PRIVATE_NOTE, ORDER_NUMBER}),
        LineRole.FINANCE: frozenset({COMMITTED, PAID}),
        LineRole.ADMINISTRATOR: _FOLLOW_UP | AMOUNTS | {MANAGER, SETTLED, CLOSED},
    },
    # Settled: the amounts are final; unsettling them (the manager) opens them again.
    LineState.SETTLED: {
        LineRole.MANAGER: _FOLLOW_UP | {SETTLED, CLOSED},
        LineRole.ASSIGNER: frozenset({MANAGER}),
        LineRole.BUYER: frozenset({STEPS, PRIVATE_NOTE}),
        LineRole.FINANCE: frozenset(),
        LineRole.ADMINISTRATOR: _FOLLOW_UP | {MANAGER, SETTLED, CLOSED},
    },
    # Closed: read-only; only reopening it is offered, to its manager and the administrator.
    LineState.CLOSED: {
        LineRole.MANAGER: frozenset({CLOSED}),
        LineRole.ASSIGNER: frozenset(),
        LineRole.BUYER: frozenset(),
        LineRole.FINANCE: frozenset(),
        LineRole.ADMINISTRATOR: frozenset({CLOSED}),
    },
}


EVERY_FIELD = frozenset(
    field for by_role in EDITABLE.values() for fields in by_role.values() for field in fields
)


def state_of(line: PlanLine) -> LineState:
    if line.closed:
        return LineState.CLOSED
    return LineState.SETTLED if line.settled else LineState.OPEN


def roles_on(user: Any, line: PlanLine) -> set[LineRole]:
    roles = set()
    # Named manager, and still an expert whose scope covers the line: a manager who lost
    # that grant loses the line's rights with it.
    if (
        line.manager_id is not None
        and line.manager_id == getattr(user, "pk", None)
        and has_permission(user, Action.MANAGE_LINES, line)
    ):
        roles.add(LineRole.MANAGER)
    if has_permission(user, Action.ASSIGN_LINE_MANAGER, line):
        roles.add(LineRole.ASSIGNER)
    if has_permission(user, Action.BUY, line):
        roles.add(LineRole.BUYER)
    if has_permission(user, Action.RECORD_PAYMENTS, line):
        roles.add(LineRole.FINANCE)
    if has_permission(user, Action.ADMINISTER_TENANT):
        roles.add(LineRole.ADMINISTRATOR)
    return roles


def editable_fields(user: Any, line: PlanLine) -> frozenset[str]:
    """The fields this person may change on this line now."""
    table = EDITABLE[state_of(line)]
    fields: frozenset[str] = frozenset()
    for role in roles_on(user, line):
        fields |= table[role]
    return fields


def _ever_given(field: str, roles: set[LineRole]) -> bool:
    return any(field in EDITABLE[state][role] for state in LineState for role in roles)


def may_ever_change(user: Any, line: PlanLine, field: str) -> bool:
    """Whether one of this person's roles on the line gives this field in some state."""
    return _ever_given(field, roles_on(user, line))


def may_read(user: Any, line: PlanLine, field: str) -> bool:
    """Whether this person reads this field of the line (the follow-up's private side is the
    team's: the biomedical team, purchasing and finance)."""
    return field not in TEAM_ONLY or has_permission(user, Action.FOLLOW_PLAN, line)


def require_field(user: Any, line: PlanLine, field: str) -> None:
    """Refuse, naming the field, a change the table does not give this person."""
    from tenants.plan.services import Refused

    if field in editable_fields(user, line):
        return
    if not _ever_given(field, roles_on(user, line)):
        raise Refused(field, _("you may not change this on this line"), status=403)
    if state_of(line) == LineState.CLOSED:
        raise Refused(field, _("this line is closed: reopen it first"), status=409)
    if field in AMOUNTS and state_of(line) == LineState.SETTLED:
        raise Refused(field, _("this line is settled: its amounts are final"), status=409)
    raise Refused(field, _("you may not change this on this line"), status=403)
