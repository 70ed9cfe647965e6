"""The purchase requests and files of a plan line, shown on the line's page, and the plan lines
bought on a market, shown on the market's (registered with tenants.plan.sections and
tenants.markets.sections: neither app knows this one)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from tenants.markets.models import Market
from tenants.plan.models import PlanLine
from tenants.purchasing import rules
from tenants.purchasing.models import RequestState
from tenants.purchasing.selectors import (
    files_for,
    order_lines_for,
    remaining_budget,
    requests_of_line,
)


def line_purchases(line: PlanLine, user: Any) -> SafeString | str:
    if not rules.may_view(user):
        return ""
    requests = requests_of_line(line, user)
    files = list(files_for(user).filter(plan_lines=line).order_by("-created"))
    can_create = rules.may_draft_on(user, line)
    if not requests and not files and not can_create:
        return ""
    return render_to_string(
        "purchasing/_line_purchases.html",
        {
            "line": line,
            "requests": requests,
            "files": files,
            "can_create": can_create,
            "open_files": [f for f in files_for(user).order_by("-created")[:30] if f not in files]
            if can_create
            else [],
            "remaining": remaining_budget(line),
        },
    )


def market_purchases(market: Market, user: Any) -> SafeString | str:
    """A market's page: the plan lines bought on it, one row per order line the person sees."""
    if not rules.may_view(user):
        return ""
    rows = (
        order_lines_for(user)
        .filter(request__market=market)
        .exclude(request__state=RequestState.CANCELLED)
        .select_related("request__lot", "plan_line__uf")
        .order_by("-request__quote_date", "-request__pk", "pk")
    )
    return render_to_string("purchasing/_market_purchases.html", {"rows": rows})
