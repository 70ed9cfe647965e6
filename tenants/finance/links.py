"""Plan lines meet the finance system's orders.

A finance order line counts for a plan line when:

- its order number is one typed on the plan line (its order step), or the one a buyer recorded
  on a purchase request (*DRA*) drawing on the line;
- its label or its purpose of the expense names such a purchase request (``DRA-2027-00042``);
- its programme is the plan line's reference.

A purchase request may draw on several plan lines: its orders then count for those of them in
the order line's UF, or for all of them when none is. Once a plan line has orders, its committed
and paid amounts are theirs (``plan.services.apply_finance_amounts``), and the envelopes'
consumption follows them.

``relink`` rewrites every link after each import of order lines (in its transaction);
``relink_line`` the links of one plan line when its order number changes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum

from tenants.finance.models import FinanceOrderLine, LinkReason, OrderLink
from tenants.plan.delivery import parse_numbers
from tenants.plan.models import AmountSource, PlanLine
from tenants.plan.services import apply_finance_amounts
from tenants.purchasing.models import REQUEST_PREFIX
from tenants.purchasing.models import OrderLine as RequestLine

REQUEST_REFERENCE = re.compile(rf"\b{REQUEST_PREFIX}-[0-9]{{4}}-[0-9]{{3,}}\b")
# The reason kept when several rules link the same pair: the most telling first.
PRECEDENCE = [
    LinkReason.ORDER_NUMBER,
    LinkReason.PROGRAMME,
    LinkReason.REQUEST_ORDER,
    LinkReason.REQUEST_REFERENCE,
]


@dataclass
class PlanSide:
    """What the plan and the purchase requests say about the orders, indexed for matching."""

    by_number: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_request_number: dict[str, list[tuple[int, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    by_reference: dict[str, list[tuple[int, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    by_programme: dict[str, int] = field(default_factory=dict)


def plan_side(line: PlanLine | None = None) -> PlanSide:
    """The index over every plan line; or over one line and the purchase requests drawing on
    it (with all their plan lines: which of them an order counts for depends on them all)."""
    side = PlanSide()
    plan_lines = PlanLine.objects.all()
    request_lines = RequestLine.objects.all()
    if line is not None:
        plan_lines = plan_lines.filter(pk=line.pk)
        request_lines = request_lines.filter(
            request__in=RequestLine.objects.filter(plan_line=line).values("request")
        )
    for pk, reference, numbers in plan_lines.values_list("pk", "reference", "order_number"):
        side.by_programme[reference] = pk
        for number in parse_numbers(numbers):
            side.by_number[number].add(pk)
    for plan_line, uf, reference, order_number in request_lines.values_list(
        "plan_line_id", "plan_line__uf_id", "request__reference", "request__order_number"
    ).distinct():
        side.by_reference[reference].append((plan_line, uf))
        if order_number:
            side.by_request_number[order_number].append((plan_line, uf))
    return side


def _in_uf(candidates: list[tuple[int, int]], uf: int) -> set[int]:
    """The plan lines of a purchase request an order line counts for: those in its UF, or
    all of them when none is."""
    same = {line for line, line_uf in candidates if line_uf == uf}
    return same or {line for line, _uf in candidates}


def matches(side: PlanSide, row: dict[str, Any]) -> dict[int, str]:
    """The plan lines a finance order line counts for, each with the reason."""
    found: dict[int, str] = {}

    def add(lines: Iterable[int], reason: str) -> None:
        for line in lines:
            known = found.get(line)
            if known is None or PRECEDENCE.index(reason) < PRECEDENCE.index(known):  # type: ignore[arg-type]
                found[line] = reason

    number = row["order_number"]
    add(side.by_number.get(number, ()), LinkReason.ORDER_NUMBER)
    if row["programme"] in side.by_programme:
        add([side.by_programme[row["programme"]]], LinkReason.PROGRAMME)
    if number in side.by_request_number:
        add(_in_uf(side.by_request_number[number], row["uf_id"]), LinkReason.REQUEST_ORDER)
    text = f"{row['label']} {row['purpose']}"
    if REQUEST_PREFIX in text:
        for reference in REQUEST_REFERENCE.findall(text):
            if reference in side.by_reference:
                add(
                    _in_uf(side.by_reference[reference], row["uf_id"]), LinkReason.REQUEST_REFERENCE
                )
    return found


ROW_FIELDS = ("pk", "order_number", "programme", "label", "purpose", "uf_id")


def relink() -> set[int]:
    """Rewrite every link; then the amounts of the plan lines whose orders changed. The plan
    lines whose amounts changed."""
    side = plan_side()
    wanted: dict[tuple[int, int], str] = {}
    if side.by_number or side.by_programme or side.by_reference:
        rows = FinanceOrderLine.objects.values(*ROW_FIELDS).iterator(chunk_size=10000)
        for row in rows:
            for line, reason in matches(side, row).items():
                wanted[(row["pk"], line)] = reason
    existing = {
        (order_line, plan_line): (pk, reason)
        for pk, order_line, plan_line, reason in OrderLink.objects.values_list(
            "pk", "order_line_id", "plan_line_id", "reason"
        )
    }
    return _write_links(wanted, existing, candidates=None)


def relink_line(line: PlanLine) -> set[int]:
    """Rewrite the links of one plan line (its order number changed)."""
    side = plan_side(line)
    found = Q(order_number__in=list(side.by_number) + list(side.by_request_number))
    found |= Q(programme=line.reference)
    for reference in side.by_reference:
        found |= Q(label__contains=reference) | Q(purpose__contains=reference)
    wanted: dict[tuple[int, int], str] = {}
    for row in FinanceOrderLine.objects.filter(found).values(*ROW_FIELDS):
        for plan_line, reason in matches(side, row).items():
            if plan_line == line.pk:
                wanted[(row["pk"], plan_line)] = reason
    existing = {
        (order_line, plan_line): (pk, reason)
        for pk, order_line, plan_line, reason in OrderLink.objects.filter(
            plan_line=line
        ).values_list("pk", "order_line_id", "plan_line_id", "reason")
    }
    return _write_links(wanted, existing, candidates={line.pk})


def _write_links(
    wanted: dict[tuple[int, int], str],
    existing: dict[tuple[int, int], tuple[int, str]],
    candidates: set[int] | None,
) -> set[int]:
    stale = [pk for pair, (pk, reason) in existing.items() if wanted.get(pair) != reason]
    OrderLink.objects.filter(pk__in=stale).delete()
    OrderLink.objects.bulk_create(
        [
            OrderLink(order_line_id=order_line, plan_line_id=plan_line, reason=reason)
            for (order_line, plan_line), reason in wanted.items()
            if existing.get((order_line, plan_line), (0, ""))[1] != reason
        ],
        batch_size=5000,
    )
    return refresh_amounts(candidates)


def refresh_amounts(only: set[int] | None = None) -> set[int]:
    """Give each plan line the committed and paid amounts of its orders (or give it back its
    typed ones when it has none any more). The plan lines whose amounts changed."""
    sums = OrderLink.objects.values("plan_line_id").annotate(
        committed=Sum("order_line__committed"), paid=Sum("order_line__paid")
    )
    if only is not None:
        sums = sums.filter(plan_line_id__in=only)
    totals = {row["plan_line_id"]: (row["committed"], row["paid"]) for row in sums}
    concerned = PlanLine.objects.filter(
        Q(pk__in=totals)
        | Q(committed_source=AmountSource.FINANCE)
        | Q(paid_source=AmountSource.FINANCE)
    )
    if only is not None:
        concerned = concerned.filter(pk__in=only)
    changed: set[int] = set()
    zero = Decimal("0.00")
    for line in concerned.only(
        "pk", "committed_amount", "paid_amount", "committed_source", "paid_source"
    ):
        committed, paid = totals.get(line.pk, (None, None))
        if line.pk in totals:
            # Credit notes may outweigh an order: a line never shows less than nothing.
            committed, paid = max(committed or zero, zero), max(paid or zero, zero)
        if (committed, paid) != (
            line.committed_amount if line.committed_source == AmountSource.FINANCE else None,
            line.paid_amount if line.paid_source == AmountSource.FINANCE else None,
        ):
            apply_finance_amounts(line, committed, paid)
            changed.add(line.pk)
    return changed
