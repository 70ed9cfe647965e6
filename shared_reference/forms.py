"""Forms of the curators' pages."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from saas.forms import BootstrapForm, BootstrapModelForm
from shared_reference.contributions import CORRECTABLE, MAX_LENGTH
from shared_reference.curation import duplicate_name_reason, same_name_supplier, terms_problems
from shared_reference.models import (
    Contribution,
    DeviceModel,
    DocumentKind,
    EntityStatus,
    LabelStatus,
    Lot,
    Market,
    NomenclatureTerm,
    PurchasingBody,
    Scope,
    Supplier,
    TermStatus,
)
from shared_reference.selectors_journal import JournalFilters, kind_choices, people_choices
from shared_reference.templatetags.reference_words import FIELDS


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


class NomenclatureCodesField(forms.CharField):
    """Nomenclature codes typed on one line ("emdn:Z12030202, emdn:Z12030105"), read as a list."""

    widget = forms.TextInput

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(str(code) for code in value)
        return super().prepare_value(value)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, list):
            return value
        text = super().to_python(value)
        return [code for code in re.split(r"[\s,;]+", text or "") if code]


def french_date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%d/%m/%Y"],
        error_messages={"invalid": _("A date as dd/mm/yyyy, such as 30/06/2030.")},
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": _("dd/mm/yyyy"), "size": 10}
        ),
    )


def proposal_fields() -> dict[str, forms.Field]:
    """A form field for each key a proposal may hold (contributions.clean_proposal's keys)."""
    return {
        "manufacturer": forms.CharField(
            label=FIELDS["manufacturer"], required=False, max_length=MAX_LENGTH["manufacturer"]
        ),
        "commercial_name": forms.CharField(
            label=FIELDS["commercial_name"],
            required=False,
            max_length=MAX_LENGTH["commercial_name"],
        ),
        "catalogue_reference": forms.CharField(
            label=FIELDS["catalogue_reference"],
            required=False,
            max_length=MAX_LENGTH["catalogue_reference"],
        ),
        "nomenclature": NomenclatureCodesField(
            label=_("Nomenclature codes"),
            required=False,
            help_text=_("Separated by commas, such as emdn:Z12030202."),
        ),
        "end_of_sale": french_date_field(FIELDS["end_of_sale"]),
        "end_of_support": french_date_field(FIELDS["end_of_support"]),
        "expected_life_years": forms.IntegerField(
            label=FIELDS["expected_life_years"], required=False, min_value=1, max_value=50
        ),
    }


def shown_value(value: Any) -> str:
    """A value as the curator reads it: dates dd/mm/yyyy, nothing said so."""
    if is_empty(value):
        return str(_("(nothing)"))
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def is_empty(value: Any) -> bool:
    return value in (None, "", [])


def fits(key: str, value: Any) -> bool:
    """Whether a proposed value can be shown in its form field without losing anything."""
    if is_empty(value):
        return True
    if key == "nomenclature":
        return isinstance(value, list) and all(isinstance(code, str) for code in value)
    if key in ("end_of_sale", "end_of_support"):
        try:
            date.fromisoformat(str(value))
        except ValueError:
            return False
        return True
    if key == "expected_life_years":
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, str)


class ContributionDecisionForm(BootstrapForm):
    """A curator's decision: the proposal as sent or amended field by field, and a note.

    The proposal's known keys are ordinary fields, pre-filled with the hospital's values; a key
    the form does not know (or a value it cannot show) is kept as sent, shown read-only. A field
    the curator changes shows the hospital's value under it; one emptied drops that change.
    """

    note = forms.CharField(
        label=_("Note for the hospital"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, contribution: Contribution, **kwargs: Any) -> None:
        self.original: dict[str, Any] = dict(contribution.proposal or {})
        allowed = set(CORRECTABLE) | (
            {"manufacturer", "nomenclature"}
            if contribution.kind == Contribution.Kind.NEW_MODEL
            else set()
        )
        fields = {key: f for key, f in proposal_fields().items() if key in allowed}
        # Shown read-only and sent back unchanged: the service judges them.
        self.unknown = {
            key: value
            for key, value in self.original.items()
            if key not in fields or not fits(key, value)
        }
        for key in self.unknown:
            fields.pop(key, None)
        initial = {key: self.original.get(key) for key in fields}
        for key in ("end_of_sale", "end_of_support"):
            if key in fields and self.original.get(key):
                initial[key] = date.fromisoformat(str(self.original[key]))
        super().__init__(*args, initial=initial, **kwargs)
        for field in fields.values():
            field.widget.attrs["class"] = "form-control"
        if contribution.target is not None:  # a correction: what it would change
            for key, field in fields.items():
                field.help_text = _("Now in the catalogue: %(value)s") % {
                    "value": shown_value(getattr(contribution.target, key, None))
                }
        self.proposal_keys = list(fields)
        self.fields = {**fields, **self.fields}
        if self.is_bound:
            for key in self.changed_proposal_keys():
                proposed = _("The hospital proposed: %(value)s") % {
                    "value": shown_value(self.fields[key].prepare_value(initial[key]))
                }
                # The bound field, which copied the field's help text when changed_data made it.
                self[key].help_text = " · ".join(
                    str(text) for text in (proposed, self.fields[key].help_text) if text
                )

    def original_rows(self) -> list[tuple[str, str, bool]]:
        """The hospital's proposal as sent, to be read: (label, value, kept as sent unread)."""
        rows = []
        for key, value in self.original.items():
            if key in self.unknown:
                shown = json.dumps(value, ensure_ascii=False)
            elif key in ("end_of_sale", "end_of_support") and value:
                shown = date.fromisoformat(str(value)).strftime("%d/%m/%Y")
            elif isinstance(value, list):
                shown = ", ".join(value)
            else:
                shown = "" if value is None else str(value)
            rows.append((str(FIELDS.get(key, key)), shown, key in self.unknown))
        return rows

    def changed_proposal_keys(self) -> list[str]:
        return [key for key in self.changed_data if key in self.proposal_keys]

    def proposal(self) -> dict[str, Any]:
        """The proposal as the curator leaves it; equal to the hospital's if nothing changed."""
        changed = set(self.changed_proposal_keys())
        result: dict[str, Any] = {}
        for key, value in self.original.items():
            if key not in changed:
                result[key] = value
        for key in changed:
            value = self.cleaned_data.get(key)
            if is_empty(value):
                continue  # emptied: the curator drops this change
            result[key] = value.isoformat() if isinstance(value, date) else value
        return result


# --- Central markets ------------------------------------------------------------------------

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TERMS_FIELDS = [
    "starts",
    "duration_months",
    "renewals",
    "renewal_months",
    "ends",
    "min_amount",
    "max_amount",
    "min_quantity",
    "max_quantity",
]


class TermsForm(BootstrapModelForm):
    """Dates and bounds: the end left empty is worked out from the duration and renewals."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("starts", "ends"):
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            self.fields[name].widget.attrs["class"] = "form-control"
        self.fields["ends"].required = False
        self.fields["ends"].help_text = _(
            "Worked out from the start, the duration and the renewals when a start and a "
            "duration are given; otherwise, type it."
        )
        for name in ("duration_months", "renewal_months"):
            self.fields[name].widget.attrs["max"] = 1200
            self.fields[name].max_value = 1200  # type: ignore[attr-defined]
            self.fields[name].validators.append(MaxValueValidator(1200))
        self.fields["renewals"].validators.append(MaxValueValidator(50))
        for name in ("min_amount", "max_amount"):
            self.fields[name].validators.append(MinValueValidator(0))

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if self.errors:
            return cleaned
        probe = self.instance.__class__(**{k: cleaned.get(k) for k in TERMS_FIELDS})
        probe.renewals = cleaned.get("renewals") or 0
        # The end shown on the page, left as it was, follows a changed duration; one typed
        # that contradicts the duration is refused.
        for field, reason in terms_problems(probe, ends_typed="ends" in self.changed_data):
            self.add_error(field, reason)
        if not self.errors:
            cleaned["ends"] = probe.ends
        return cleaned


class PurchasingBodyForm(BootstrapModelForm):
    class Meta:
        model = PurchasingBody
        fields = ["code", "name", "status"]


class SupplierForm(BootstrapModelForm):
    """A supplier's name, SIREN and postal address (the order letters' address)."""

    class Meta:
        model = Supplier
        fields = [
            "name",
            "siren",
            "address_line1",
            "address_line2",
            "postcode",
            "city",
            "country",
        ]

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        other = same_name_supplier(name, but=self.instance)
        if other is not None:
            raise forms.ValidationError(duplicate_name_reason(other))
        return name

    def clean_siren(self) -> str:
        siren = "".join(self.cleaned_data["siren"].split())
        if siren and not (siren.isdigit() and len(siren) == 9):
            raise forms.ValidationError(_("A SIREN number has nine digits."))
        return siren


class MarketForm(TermsForm):
    class Meta:
        model = Market
        fields = ["reference", "title", *TERMS_FIELDS, "status"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors and cleaned.get("ends") is None:
            self.add_error("ends", _("Give the end, or the duration to work it out."))
        return cleaned


class LotForm(TermsForm):
    scopes = forms.MultipleChoiceField(
        label=_("Scope"), choices=Scope.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    supplier_names = forms.CharField(
        label=_("Suppliers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line; a name not known yet creates the supplier."),
    )
    device_models = forms.ModelMultipleChoiceField(
        label=_("Device models covered"),
        queryset=DeviceModel.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
    )

    class Meta:
        model = Lot
        fields = ["number", "title", "scopes", *TERMS_FIELDS, "status"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chosen = (
            self.instance.device_models.all() if self.instance.pk else DeviceModel.objects.none()
        )
        self.fields["device_models"].queryset = (  # type: ignore[attr-defined]
            DeviceModel.objects.filter(Q(status=EntityStatus.ACTIVE) | Q(pk__in=chosen))
            .select_related("manufacturer")
            .order_by("manufacturer__name", "commercial_name")
        )
        if self.instance.pk and not self.is_bound:
            self.initial["device_models"] = list(chosen)
            self.initial["supplier_names"] = "\n".join(
                s.name for s in self.instance.suppliers.order_by("name")
            )
        self.fields["starts"].help_text = _("Left empty, the lot runs as its market does.")

    def clean_supplier_names(self) -> list[str]:
        names = [
            " ".join(line.split()) for line in self.cleaned_data["supplier_names"].splitlines()
        ]
        names = list(dict.fromkeys(n for n in names if n))
        for name in names:
            if len(name) > 200:
                raise forms.ValidationError(_("A supplier's name has at most 200 characters."))
        return names


class MarketDocumentForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, office document, CSV or ZIP; 20 MB at most."),
    )
