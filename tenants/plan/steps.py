"""The follow-up steps of each nature, as BIOMAid's teams walk them, and a line's steps.

These are the defaults every tenant starts with (a data migration writes them as
``StepDefinition`` rows); a tenant administrator renames, hides or adds steps per nature.
A default step may mark a milestone: once done, the line's status moves on (ordered,
received, commissioned).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tenants.campaigns.models import Nature
from tenants.plan.models import LineStep, PlanLine, StepDefinition, StepStatus

PlanStatus = PlanLine.Status

DEFAULT_STEPS: dict[str, list[tuple[str, object]]] = {
    Nature.EQUIPMENT: [
        ("need", _("Need defined")),
        ("trials", _("Trials")),
        ("procedure", _("Procedure")),
        ("quotes", _("Quotes")),
        ("order", _("Order")),
        ("delivery", _("Delivery")),
        ("commissioning", _("Commissioning")),
    ],
    Nature.WORKS: [
        ("study", _("Study")),
        ("authorisation", _("Authorisation")),
        ("preparation", _("Preparation")),
        ("execution", _("Execution")),
        ("acceptance", _("Acceptance")),
    ],
    Nature.SOFTWARE: [
        ("need", _("Need defined")),
        ("procedure", _("Procedure")),
        ("order", _("Order")),
        ("installation", _("Installation")),
        ("go_live", _("Go-live")),
    ],
}

# A default step whose completion moves the line's status on, in the order they come.
MILESTONES: dict[str, str] = {
    "order": PlanStatus.ORDERED,
    "delivery": PlanStatus.RECEIVED,
    "installation": PlanStatus.RECEIVED,
    "commissioning": PlanStatus.COMMISSIONED,
    "acceptance": PlanStatus.COMMISSIONED,
    "go_live": PlanStatus.COMMISSIONED,
}
MILESTONE_ORDER: list[str] = [
    PlanStatus.PLANNED,
    PlanStatus.ORDERED,
    PlanStatus.RECEIVED,
    PlanStatus.COMMISSIONED,
]

_LABELS = {code: label for steps in DEFAULT_STEPS.values() for code, label in steps}


def default_label(code: str) -> str:
    return str(_LABELS.get(code, code))


def definitions(nature: str) -> QuerySet[StepDefinition]:
    """The steps a line of this nature walks through, in order (hidden ones left out)."""
    return StepDefinition.objects.filter(nature=nature, hidden=False).order_by("position", "pk")


@dataclass(frozen=True)
class StepView:
    """One step of one line as its page shows it: the definition and where the line stands
    (a step nobody touched yet is "to do")."""

    definition: StepDefinition
    status: str
    date: object
    note: str

    @property
    def status_label(self) -> str:
        return str(StepStatus(self.status).label)


def steps_of(line: PlanLine) -> list[StepView]:
    recorded = {s.definition_id: s for s in LineStep.objects.filter(line=line)}
    result = []
    for definition in definitions(line.nature):
        step = recorded.get(definition.pk)
        if step is None:
            result.append(StepView(definition, StepStatus.TO_DO, None, ""))
        else:
            result.append(StepView(definition, step.status, step.date, step.note))
    return result


def status_after_steps(line: PlanLine) -> str:
    """The line's status from its done milestones (the furthest one)."""
    done = LineStep.objects.filter(
        line=line, status=StepStatus.DONE, definition__code__in=list(MILESTONES)
    ).values_list("definition__code", flat=True)
    reached = [MILESTONES[code] for code in done]
    if not reached:
        return str(PlanStatus.PLANNED)
    return str(max(reached, key=MILESTONE_ORDER.index))
