"""Forms of the curators' pages."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from saas.forms import BootstrapForm, BootstrapModelForm, SafeJSONField
from shared_reference.models import DeviceModel, LabelStatus, NomenclatureTerm, TermStatus
from shared_reference.selectors_journal import JournalFilters, kind_choices, people_choices


class TermForm(BootstrapModelForm):
    confirm_label_fr = forms.BooleanField(
        label=_("The French label is right: confirm the product's translation"), required=False
    )

    class Meta:
        model = NomenclatureTerm
        fields = ["label_fr", "label_en", "status", "replacement_code", "valid_from", "valid_until"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.label_fr_status != LabelStatus.PRODUCT:
            del self.fields["confirm_label_fr"]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        replacement = (cleaned.get("replacement_code") or "").strip()
        if replacement:
            if cleaned.get("status") != TermStatus.RETIRED:
                self.add_error("replacement_code", _("Only a retired term has a replacement."))
            elif not NomenclatureTerm.objects.filter(
                system=self.instance.system, code=replacement, status=TermStatus.ACTIVE
            ).exists():
                self.add_error("replacement_code", _("No active term has this code."))
        return cleaned


class DeviceModelForm(BootstrapModelForm):
    class Meta:
        model = DeviceModel
        fields = [
            "commercial_name",
            "catalogue_reference",
            "end_of_sale",
            "end_of_support",
            "end_of_support_source",
            "expected_life_years",
            "status",
        ]
        widgets = {
            "end_of_sale": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_of_support": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        sale, support = cleaned.get("end_of_sale"), cleaned.get("end_of_support")
        if sale and support and support < sale:
            self.add_error(
                "end_of_support", _("The end of support cannot come before the end of sale.")
            )
        if cleaned.get("end_of_support") and not cleaned.get("end_of_support_source"):
            self.add_error("end_of_support_source", _("Say where the date comes from."))
        return cleaned


class PublishForm(BootstrapForm):
    notes = forms.CharField(label=_("Release notes"), widget=forms.Textarea(attrs={"rows": 3}))


class FrenchLabelsForm(BootstrapForm):
    file = forms.FileField(
        label=_("CSV file (code;label_fr)"),
        help_text=_(
            "One term a line: its code, a semicolon, its French label. The labels count as "
            "confirmed by you and are published at once as a release."
        ),
    )


class JournalFilterForm(BootstrapForm):
    """The journal's filters, all optional; dates typed dd/mm/yyyy."""

    kind = forms.ChoiceField(label=_("Kind"), required=False)
    who = forms.ChoiceField(label=_("Who"), required=False)
    start = forms.DateField(
        label=_("From (date)"),
        required=False,
        input_formats=["%d/%m/%Y"],
        widget=forms.TextInput(attrs={"placeholder": _("dd/mm/yyyy"), "size": 10}),
    )
    end = forms.DateField(
        label=_("To (date)"),
        required=False,
        input_formats=["%d/%m/%Y"],
        widget=forms.TextInput(attrs={"placeholder": _("dd/mm/yyyy"), "size": 10}),
    )
    text = forms.CharField(
        label=_("Entity's name contains"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"size": 14}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *kind_choices()]  # type: ignore[attr-defined]
        self.fields["who"].choices = [("", _("Everyone")), *people_choices()]  # type: ignore[attr-defined]
        for name in ("kind", "who"):
            self.fields[name].widget.attrs["class"] += " form-select-sm"
        # Filters and buttons on one line at 1280 px, long e-mail addresses notwithstanding.
        self.fields["who"].widget.attrs["style"] = "max-width: 14rem"
        for name in ("start", "end", "text"):
            self.fields[name].widget.attrs["class"] += " form-control-sm"

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date comes before the start date."))
        return cleaned

    def filters(self) -> JournalFilters:
        """What to show; only meaningful once the form is valid."""
        data = self.cleaned_data
        return JournalFilters(
            kind=data.get("kind") or "",
            who=data.get("who") or "",
            start=data.get("start"),
            end=data.get("end"),
            text=data.get("text") or "",
        )


class ProposalField(SafeJSONField):
    """A proposal as JSON, laid out to be read and edited."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dict):
            return json.dumps(value, ensure_ascii=False, indent=2)
        return super().prepare_value(value)


class ContributionDecisionForm(BootstrapForm):
    """A curator's decision: the proposal as sent or amended, and a note for the hospital."""

    proposal = ProposalField(
        label=_("Proposal (edit it to accept with changes)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "class": "font-monospace"}),
    )
    note = forms.CharField(
        label=_("Note for the hospital"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_proposal(self) -> dict[str, Any] | None:
        proposal = self.cleaned_data.get("proposal")
        if proposal is not None and not isinstance(proposal, dict):
            raise forms.ValidationError(_("A JSON object of the proposed values, in braces."))
        return proposal
