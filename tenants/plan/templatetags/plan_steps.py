"""How a step's status looks: a coloured label with its words (the colour is never alone)."""

from __future__ import annotations

from django import template

from tenants.plan.models import StepStatus

register = template.Library()

BADGES = {
    StepStatus.NOT_APPLICABLE: "text-bg-light border",
    StepStatus.TO_DO: "text-bg-light border",
    StepStatus.IN_PROGRESS: "text-bg-primary",
    StepStatus.WAITING: "text-bg-warning",
    StepStatus.BLOCKED: "text-bg-danger",
    StepStatus.DONE: "text-bg-success",
    StepStatus.CANCELLED: "text-bg-secondary",
}


@register.filter
def step_badge(status: str) -> str:
    """The badge classes of a step status."""
    return BADGES.get(status, "text-bg-light border")  # type: ignore[call-overload]
