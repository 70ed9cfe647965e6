"""Forms of the markets' pages. They only parse what was typed; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from saas.forms import BootstrapForm
from tenants.access.models import Role
from tenants.campaigns.forms import DATE_INPUT
from tenants.markets.models import Lot, Procedure, RenewalKind, Scope
from tenants.markets.selectors import legal_entities, people_with
from tenants.markets.services import (
    MAX_AMOUNT,
    MAX_DURATION,
    MAX_QUANTITY,
    MAX_RENEWALS,
    NOTE_LIMIT,
    NUMBER_LIMIT,
    SHORT_LIMIT,
    SUPPLIER_LIMIT,
    TITLE_LIMIT,
)


def _amount(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, min_value=0, max_value=MAX_AMOUNT, decimal_places=2
    )


def _count(label: Any, high: int, *, low: int = 0, help_text: Any = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=False, min_value=low, max_value=high, help_text=help_text
    )


class TermsForm(BootstrapForm):
    starts = forms.DateField(label=_("Start"), required=False, widget=DATE_INPUT)
    duration_months = _count(_("Duration (months)"), MAX_DURATION, low=1)
    renewals = _count(_("Renewals"), MAX_RENEWALS, help_text=_("How many times it may be renewed."))
    renewal_months = _count(_("Renewal length (months)"), MAX_DURATION, low=1)
    ends = forms.DateField(
        label=_("End, renewals included"),
        required=False,
        widget=DATE_INPUT,
        help_text=_(
            "Worked out from the start, the duration and the renewals when they are given."
        ),
    )
    min_amount = _amount(_("Minimum amount excl. VAT (€)"))
    max_amount = _amount(_("Maximum amount excl. VAT (€)"))
    min_quantity = _count(_("Minimum quantity"), MAX_QUANTITY)
    max_quantity = _count(_("Maximum quantity"), MAX_QUANTITY)


class MarketForm(TermsForm):
    field_order = (
        "reference",
        "title",
        "procedure",
        "notified_on",
        "starts",
        "duration_months",
        "renewals",
        "renewal_months",
        "renewal_kind",
        "ends",
        "min_amount",
        "max_amount",
        "min_quantity",
        "max_quantity",
        "buyer",
        "expert",
        "note",
    )
    reference = forms.CharField(label=_("Reference"), max_length=SHORT_LIMIT)
    title = forms.CharField(label=_("Title"), max_length=TITLE_LIMIT)
    procedure = forms.ChoiceField(
        label=_("Procedure"), required=False, choices=[("", "—"), *Procedure.choices]
    )
    notified_on = forms.DateField(label=_("Notified on"), required=False, widget=DATE_INPUT)
    renewal_kind = forms.ChoiceField(
        label=_("Renewal"), required=False, choices=[("", "—"), *RenewalKind.choices]
    )
    buyer = forms.ModelChoiceField(
        label=_("Buyer"), required=False, queryset=people_with(Role.BUYER)
    )
    expert = forms.ModelChoiceField(
        label=_("Expert"), required=False, queryset=people_with(Role.EXPERT)
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("buyer", "expert"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.label_from_instance = lambda person: person.full_name or person.email  # type: ignore[method-assign,assignment]


class LotForm(TermsForm):
    field_order = ("number", "title", "scopes", "suppliers", "device_models")
    number = forms.CharField(label=_("Lot number"), max_length=NUMBER_LIMIT)
    title = forms.CharField(label=_("Title"), max_length=TITLE_LIMIT)
    scopes = forms.MultipleChoiceField(
        label=_("Scope"),
        required=False,
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    suppliers = forms.CharField(
        label=_("Suppliers"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line."),
    )
    device_models = forms.CharField(
        label=_("Device models covered (reference identifiers)"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "One identifier per line: a maintenance lot maintains the devices of these models."
        ),
    )

    @staticmethod
    def initial_of(lot: Lot) -> dict[str, Any]:
        names = (
            "number", "title", "scopes", "starts", "duration_months", "renewals",
            "renewal_months", "ends", "min_amount", "max_amount", "min_quantity", "max_quantity",
        )  # fmt: skip
        initial = {name: getattr(lot, name) for name in names}
        initial["suppliers"] = "\n".join(s.name for s in lot.suppliers.all())
        initial["device_models"] = "\n".join(str(m) for m in lot.device_models)
        return initial


class UseForm(BootstrapForm):
    """A legal entity using the market or one of its lots, with its own reference."""

    legal_entity_finess = forms.ChoiceField(label=_("Legal entity"))
    lot = forms.ModelChoiceField(
        label=_("Lot"),
        required=False,
        queryset=Lot.objects.none(),
        empty_label=_("The whole market"),
    )
    local_reference = forms.CharField(
        label=_("Its own reference"), required=False, max_length=SHORT_LIMIT
    )

    def __init__(self, *args: Any, market: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        entities = self.fields["legal_entity_finess"]
        assert isinstance(entities, forms.ChoiceField)
        entities.choices = [(e.finess, str(e)) for e in legal_entities()]
        lots = self.fields["lot"]
        assert isinstance(lots, forms.ModelChoiceField)
        lots.queryset = market.lots.order_by("number")
        lots.label_from_instance = lambda lot: f"{lot.number} — {lot.title}"  # type: ignore[method-assign,assignment]


class ReferenceForm(BootstrapForm):
    """The own reference of one use, changed in its row."""

    local_reference = forms.CharField(
        label=_("Its own reference"), required=False, max_length=SHORT_LIMIT
    )


class SupplierForm(BootstrapForm):
    """A supplier a buyer recorded: name, SIREN, postal address."""

    name = forms.CharField(label=_("Name"), max_length=SUPPLIER_LIMIT)
    siren = forms.CharField(label="SIREN", max_length=20, required=False)
    address_line1 = forms.CharField(label=_("Address"), max_length=200, required=False)
    address_line2 = forms.CharField(label=_("Address (continued)"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    country = forms.CharField(label=_("Country"), max_length=100, required=False)
