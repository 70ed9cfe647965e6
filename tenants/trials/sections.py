"""The trials of a plan line, shown on the line's page (registered with tenants.plan.sections:
the plan does not know this app)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from tenants.plan.models import PlanLine
from tenants.trials import rules
from tenants.trials.selectors import trials_of_line


def line_trials(line: PlanLine, user: Any) -> SafeString | str:
    trials = list(trials_of_line(line, user))
    can_create = line.nature == "equipment" and rules.may_create(user) and not line.closed
    if not trials and not can_create:
        return ""
    return render_to_string(
        "trials/_line_trials.html", {"line": line, "trials": trials, "can_create": can_create}
    )
