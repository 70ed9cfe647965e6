"""The purchase requests and files of a plan line, shown on the line's page (registered with
tenants.plan.sections: the plan does not know this app)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from tenants.plan.models import PlanLine
from tenants.purchasing import rules
from tenants.purchasing.selectors import files_for, remaining_budget, requests_of_line


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
