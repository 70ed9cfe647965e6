"""The plan's list tables: the biomedical team's (every column) and the services' (where
their purchases stand, with the steps as coloured labels)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tenants.access.models import Role
from tenants.plan import rules
from tenants.plan.models import PlanLine, StepStatus
from tenants.plan.steps import definitions
from tenants.plan.templatetags.plan_steps import step_badge
from tenants.tables.columns import FrenchDateColumn, MoneyColumn, ReferenceColumn
from tenants.tables.listing import ColumnSet, ListTable, RowColour


def quarter(month: Any) -> str:
    """03/2027 -> "T1 2027" (French quarters: trimestres)."""
    if month is None:
        return ""
    return str(
        _("Q%(quarter)s %(year)s") % {"quarter": (month.month - 1) // 3 + 1, "year": month.year}
    )


class StepsColumn(tables.Column):
    """Every step of the line's nature as a coloured label with its words; the export gives
    the current step (the first not yet behind the line)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("accessor", "current_step")
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("empty_values", ())
        super().__init__(**kwargs)

    def render(self, record: PlanLine, table: Any) -> SafeString:
        cache = table.__dict__.setdefault("_step_definitions", {})
        if record.nature not in cache:
            cache[record.nature] = list(definitions(record.nature))
        statuses = {step.definition_id: step.status for step in record.steps.all()}
        badges = []
        for definition in cache[record.nature]:
            status = statuses.get(definition.pk, StepStatus.TO_DO)
            badges.append(
                (
                    step_badge(status),
                    status,
                    definition.name,
                    StepStatus(status).label,
                )
            )
        return format_html(
            '<span class="d-flex flex-wrap gap-1">{}</span>',
            format_html_join(
                "",
                '<span class="badge {}" data-step-status="{}">{} · {}</span>',
                badges,
            ),
        )


@dataclass(frozen=True)
class RowEdit:
    """What a row shows after its change was sent from the list (tenants/plan/views.py): the
    status typed for its step, kept when refused, and why it was refused."""

    line: int
    step: int | None = None
    status: str = ""
    error: str = ""


class StepEditColumn(tables.Column):
    """The line's current step, changed in the row itself: its status in a select and a
    button, for whom the table of tenants/plan/rules.py lets change the steps; its name
    for the others. The export gives the step's name.

    The form posts to the line's ``act`` view; with JavaScript, htmx sends it and swaps the
    row the view sends back (a refusal says why in the row, under the select it describes);
    without, the view redirects to the list."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("accessor", "current_step")
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("empty_values", ())
        super().__init__(**kwargs)

    def render(self, record: PlanLine, table: Any) -> SafeString:
        name = getattr(record, "current_step", "")
        step_id = getattr(record, "current_step_id", None)
        request = getattr(table, "request", None)
        user = getattr(request, "user", None)
        edit: RowEdit | None = getattr(table, "row_edit", None)
        if edit is not None and edit.line != record.pk:
            edit = None
        error = edit.error if edit else ""
        editable = bool(
            step_id and user is not None and rules.STEPS in rules.editable_fields(user, record)
        )
        if not editable and not error:
            return format_html("{}", name or "—")
        # Done is what one usually comes to say; a refused status is shown as it was typed.
        chosen: str = StepStatus.DONE
        if edit and edit.step == step_id and edit.status in StepStatus.values:
            chosen = edit.status
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (value, " selected" if value == chosen else "", label)
                for value, label in StepStatus.choices
            ),
        )
        back = getattr(table, "back_url", "") or (
            request.get_full_path() if request is not None else ""
        )
        return render_to_string(
            "plan/_step_in_row.html",
            {
                "line": record,
                "step_id": step_id,
                "name": name,
                "options": options,
                "next": back,
                "editable": editable,
                "error": error,
            },
            request=request,
        )


class PlanLineTable(ListTable):
    export_paths = {"step_in_row": "current_step"}

    reference = ReferenceColumn(verbose_name=_("reference"))
    year = tables.Column(verbose_name=_("year"))
    # The request's reference (DEM-...); the column kept its name, so saved choices still show it.
    request = tables.Column(
        accessor="request__reference",
        linkify=lambda record: record.request.get_absolute_url(),
        verbose_name=_("request"),
    )
    title = tables.Column(linkify=True, verbose_name=_("title"))
    campaign = tables.Column(accessor="campaign__name", verbose_name=_("campaign"))
    uf_code = tables.Column(accessor="uf__code", verbose_name=_("UF"))
    service = tables.Column(accessor="uf__service__name", verbose_name=_("service"))
    pole = tables.Column(accessor="uf__service__pole__name", verbose_name=_("pôle"))
    establishment = tables.Column(
        accessor="uf__service__pole__establishment__name", verbose_name=_("establishment")
    )
    domain = tables.Column(accessor="request__domain__name", verbose_name=_("expertise domain"))
    nature = tables.Column(verbose_name=_("nature"))
    status = tables.Column(verbose_name=_("status"))
    current_step = tables.Column(verbose_name=_("current step"))
    step_in_row = StepEditColumn(verbose_name=_("current step, to change"))
    manager = tables.Column(
        accessor="manager__full_name",
        order_by=("manager__full_name", "manager__email"),
        verbose_name=_("operation manager"),
    )
    procedure = tables.Column(verbose_name=_("procedure"))
    estimated_amount = MoneyColumn(verbose_name=_("estimated"))
    amount = MoneyColumn(verbose_name=_("granted"))
    ordered_amount = MoneyColumn(verbose_name=_("ordered"))
    committed_amount = MoneyColumn(verbose_name=_("committed"))
    paid_amount = MoneyColumn(verbose_name=_("paid"))
    commissioning_month = FrenchDateColumn(format="m/Y", verbose_name=_("commissioning"))
    settled = tables.BooleanColumn(verbose_name=_("settled"))
    closed = tables.BooleanColumn(verbose_name=pgettext_lazy("plan line", "closed"))
    public_note = tables.Column(verbose_name=_("note for the services"))
    private_note = tables.Column(verbose_name=_("note for the biomedical team"))
    created = FrenchDateColumn(verbose_name=_("added"))

    class Meta(ListTable.Meta):
        model = PlanLine
        fields = ()
        empty_text = _("No line in the plan yet: granted requests come here.")


PLAN_COLUMNS = (
    "reference",
    "year",
    "request",
    "title",
    "uf_code",
    "establishment",
    "amount",
    "status",
    "current_step",
    "manager",
)


class ManagedLineTable(PlanLineTable):
    class Meta(PlanLineTable.Meta):
        empty_text = _("No line waits for you: the lines you are named manager of come here.")


# A manager's lines: what to do next on each, in the row itself.
MANAGED_COLUMNS = (
    "reference",
    "title",
    "uf_code",
    "status",
    "step_in_row",
    "commissioning_month",
    "amount",
)

# The team's column sets: each role starts from the columns of its daily work.
PLAN_SETS = (
    ColumnSet(
        "follow_up",
        _("Follow-up"),
        (
            "reference",
            "title",
            "uf_code",
            "status",
            "step_in_row",
            "manager",
            "commissioning_month",
            "amount",
            "ordered_amount",
        ),
        frozenset({Role.EXPERT, Role.DISPATCHER}),
    ),
    ColumnSet(
        "purchasing",
        _("Purchasing"),
        (
            "reference",
            "title",
            "uf_code",
            "procedure",
            "current_step",
            "estimated_amount",
            "amount",
            "ordered_amount",
            "manager",
        ),
        frozenset({Role.BUYER}),
    ),
    ColumnSet(
        "finance",
        _("Finance"),
        (
            "reference",
            "title",
            "establishment",
            "campaign",
            "amount",
            "ordered_amount",
            "committed_amount",
            "paid_amount",
            "settled",
        ),
        frozenset({Role.FINANCE, Role.MANAGEMENT}),
    ),
    ColumnSet("plan", _("The plan"), PLAN_COLUMNS),
)


def is_late(line: PlanLine) -> bool:
    """Its commissioning month has passed and it is not commissioned (nor closed)."""
    month = line.commissioning_month
    return (
        month is not None
        and month < timezone.localdate().replace(day=1)
        and line.status != PlanLine.Status.COMMISSIONED
        and not line.closed
    )


PLAN_COLOURS = (
    RowColour("table-danger", _("Late: its commissioning month has passed"), is_late),
    RowColour("table-secondary", _("Closed"), lambda line: line.closed),
)


class FollowedLineTable(ListTable):
    """What a service sees of its purchases: no amounts beyond the grant, no private note."""

    reference = ReferenceColumn(verbose_name=_("reference"))
    title = tables.Column(linkify=True, verbose_name=_("title"))
    request = tables.Column(
        accessor="request__reference",
        linkify=lambda record: record.request.get_absolute_url(),
        verbose_name=_("request"),
    )
    uf_code = tables.Column(accessor="uf__code", verbose_name=_("UF"))
    year = tables.Column(verbose_name=_("year"))
    status = tables.Column(verbose_name=_("status"))
    steps = StepsColumn(verbose_name=_("steps"))
    commissioning_month = tables.Column(verbose_name=_("commissioning expected"))
    public_note = tables.Column(verbose_name=_("note from the biomedical team"))

    export_paths = {"steps": "current_step"}

    class Meta(ListTable.Meta):
        model = PlanLine
        fields = ()
        empty_text = _(
            "None of your requests is in the plan, or they were finished over 90 days ago."
        )

    def render_commissioning_month(self, value: Any) -> str:
        return quarter(value)


FOLLOWED_COLUMNS = (
    "reference",
    "title",
    "uf_code",
    "status",
    "steps",
    "commissioning_month",
    "public_note",
)
