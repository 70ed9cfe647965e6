"""Forms of a plan line's page. They only parse what was typed and offer only the fields the
person may change (tenants/plan/rules.py); the services decide."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from saas.forms import BootstrapForm
from tenants.accounts.models import User
from tenants.campaigns.forms import DATE_INPUT
from tenants.plan import rules
from tenants.plan.models import PlanLine, Procedure, ReminderPreference, StepStatus
from tenants.plan.services import NOTE_LIMIT, REASON_LIMIT, STEP_NOTE_LIMIT
from tenants.tables.templatetags.money import amount_input

_MONTH = re.compile(r"^\s*([0-9]{1,2})\s*/\s*([0-9]{4})\s*$")
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


class MonthField(forms.CharField):
    """A month typed as "03/2027"; its value is the month's first day."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("maxlength", "7")

    def run_validators(self, value: Any) -> None:
        """The value is a date by then: a text's length checks do not apply to it."""

    def prepare_value(self, value: Any) -> Any:
        return value.strftime("%m/%Y") if isinstance(value, date) else value

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        found = _MONTH.match(text)
        if not found or not 1 <= int(found[1]) <= 12:
            raise forms.ValidationError(_("Type a month as mm/yyyy, e.g. 03/2027."))
        if not EARLIEST_YEAR <= int(found[2]) <= LATEST_YEAR:
            raise forms.ValidationError(_("Type a year between 2000 and 2100."))
        return date(int(found[2]), int(found[1]), 1)


class ManagerForm(BootstrapForm):
    manager = forms.ModelChoiceField(
        label=_("Operation manager"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— nobody yet —"),
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = candidates  # type: ignore[attr-defined]


# The line's own fields, in the order the form shows them.
LINE_FIELDS = (
    rules.PROCEDURE,
    rules.ESTIMATED,
    rules.ORDERED,
    rules.COMMITTED,
    rules.PAID,
    rules.COMMISSIONING,
    rules.ORDER_NUMBER,
    rules.INVENTORY_NUMBERS,
    rules.PUBLIC_NOTE,
    rules.PRIVATE_NOTE,
)


class LineForm(BootstrapForm):
    procedure = forms.ChoiceField(
        label=_("Procedure"), choices=[("", "—"), *Procedure.choices], required=False
    )
    estimated_amount = forms.CharField(label=_("Estimated (€)"), max_length=30, required=False)
    ordered_amount = forms.CharField(label=_("Ordered (€)"), max_length=30, required=False)
    committed_amount = forms.CharField(label=_("Committed (€)"), max_length=30, required=False)
    paid_amount = forms.CharField(label=_("Paid (€)"), max_length=30, required=False)
    commissioning_month = MonthField(
        label=_("Estimated commissioning month"),
        required=False,
        help_text=_("mm/yyyy, e.g. 03/2027."),
    )
    order_number = forms.CharField(label=_("Order number"), max_length=60, required=False)
    inventory_numbers = forms.CharField(
        label=_("Inventory numbers of the delivered devices"),
        help_text=_(
            "Separated by spaces or commas. The next CMMS import links these devices, and "
            "those of the order number, to the line."
        ),
        max_length=NOTE_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    public_note = forms.CharField(
        label=_("Note for the services"),
        help_text=_("The requesting service reads it on this page."),
        max_length=NOTE_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    private_note = forms.CharField(
        label=_("Note for the biomedical team"),
        help_text=_("Not shown to the services."),
        max_length=NOTE_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, line: PlanLine, editable: frozenset[str], **kwargs: Any):
        initial = {name: getattr(line, name) for name in LINE_FIELDS}
        for name in rules.AMOUNTS:
            initial[name] = amount_input(initial[name])
        super().__init__(*args, initial=initial, **kwargs)
        for name in LINE_FIELDS:
            if name not in editable:
                del self.fields[name]


class StepForm(BootstrapForm):
    """One step's row: its controls sit in the table's cells and belong to the row's form
    (``form=`` attribute); each says which step it is about to a screen reader."""

    status = forms.ChoiceField(label=_("Status"), choices=StepStatus.choices)
    date = forms.DateField(label=_("Date"), required=False, widget=DATE_INPUT)
    note = forms.CharField(label=_("Note"), max_length=STEP_NOTE_LIMIT, required=False)

    def __init__(self, *args: Any, step_name: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # each form has its own copies of the widgets
            field.widget.attrs["form"] = f"{self.prefix}-form"
            field.widget.attrs["aria-label"] = f"{field.label} — {step_name}"


class ReopenForm(BootstrapForm):
    reason = forms.CharField(
        label=_("Why reopen it"),
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class StepNameForm(BootstrapForm):
    label = forms.CharField(label=_("Name"), max_length=80, required=False)

    def __init__(self, *args: Any, default_name: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if default_name:  # an empty box keeps this name: say which
            self.fields["label"].widget.attrs["placeholder"] = default_name


class ReminderForm(BootstrapForm):
    no_month_after_days = forms.TypedChoiceField(
        label=_("Remind me of a line I manage that has no commissioning month"),
        choices=ReminderPreference.Delay.choices,
        coerce=int,
    )
