"""Forms of the reference model page: the tenant's own values, and a correction to send."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from saas.forms import BootstrapForm


def date_input() -> forms.DateInput:
    # Typed as dd/mm/yyyy in either language (a browser's date picker follows the browser's
    # own language, which may not be French).
    return forms.DateInput(
        format="%d/%m/%Y",
        attrs={"placeholder": _("dd/mm/yyyy"), "size": 10, "inputmode": "numeric"},
    )


class OverlayForm(BootstrapForm):
    end_of_support = forms.DateField(
        label=_("Our end of support"),
        required=False,
        widget=date_input(),
        help_text=_("Replaces the reference's date on this hospital's pages and alerts."),
    )
    aliases = forms.CharField(
        label=_("Our names for it"),
        required=False,
        help_text=_("As our CMMS spells it, separated by commas: used to match the next imports."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_aliases(self) -> list[str]:
        return [a.strip() for a in self.cleaned_data["aliases"].split(",") if a.strip()]


class CorrectionForm(BootstrapForm):
    """What the curators may change on a model (see shared_reference.contributions)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # It shares the model's page with OverlayForm, which has an end_of_support too: ids of
        # their own, or this form's label would point at the other form's field.
        kwargs.setdefault("auto_id", "id_correction_%s")
        super().__init__(*args, **kwargs)

    commercial_name = forms.CharField(label=_("commercial name"), required=False, max_length=200)
    end_of_sale = forms.DateField(label=_("end of sale"), required=False, widget=date_input())
    end_of_support = forms.DateField(label=_("end of support"), required=False, widget=date_input())
    expected_life_years = forms.IntegerField(
        label=_("expected life (years)"), required=False, min_value=1, max_value=50
    )
    source = forms.CharField(
        label=_("Source"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Where the information comes from: the manufacturer's letter, a notice..."),
    )

    def proposal(self) -> dict[str, Any]:
        proposal: dict[str, Any] = {}
        for name in ("commercial_name", "end_of_sale", "end_of_support", "expected_life_years"):
            value = self.cleaned_data.get(name)
            if isinstance(value, date):
                proposal[name] = value.isoformat()
            elif value not in (None, ""):
                proposal[name] = value
        return proposal

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not self.proposal():
            raise forms.ValidationError(_("Propose at least one change."))
        return cleaned
