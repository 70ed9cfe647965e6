"""What the finance app adds to other apps' pages: a plan line's orders in the finance system."""

from __future__ import annotations

from typing import Any

from django.db.models import Sum
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from tenants.access.permissions import Action, has_permission
from tenants.finance.models import OrderLink
from tenants.plan import rules
from tenants.plan.models import PlanLine

SHOWN = 50


def line_orders(line: PlanLine, user: Any) -> SafeString | str:
    """The finance system's order lines counting for the plan line, with why."""
    if not has_permission(user, Action.VIEW_FINANCE, line) or not rules.may_read(
        user, line, rules.COMMITTED
    ):
        return ""
    links = OrderLink.objects.filter(plan_line=line).select_related("order_line")
    count = links.count()
    if not count:
        return ""
    totals = links.aggregate(committed=Sum("order_line__committed"), paid=Sum("order_line__paid"))
    return render_to_string(
        "finance/_line_orders.html",
        {
            "links": links.order_by(
                "order_line__year", "order_line__order_number", "order_line__line_number"
            )[:SHOWN],
            "count": count,
            "more": count > SHOWN,
            "totals": totals,
        },
    )
