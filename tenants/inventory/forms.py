"""Forms of the inventory: the import and the choice of a reference model."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.core.suggest import SuggestSelect
from tenants.imports.forms import ImportForm
from tenants.inventory.imports import DEFAULT_MAPPING


class InventoryImportForm(ImportForm):
    field_labels = {
        "inventory_number": _("Column of the inventory number"),
        "uf_code": _("Column of the UF code"),
        "manufacturer_name": _("Column of the manufacturer"),
        "model_name": _("Column of the model"),
        "serial_number": _("Column of the serial number"),
        "commissioning_date": _("Column of the commissioning date"),
        "purchase_value": _("Column of the purchase value"),
        "status": _("Column of the status"),
        "order_number": _("Column of the order number"),
    }
    default_mapping = DEFAULT_MAPPING
    file = forms.FileField(label=_("CMMS export (CSV or XLSX)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Not every CMMS exports the order number: left empty, its usual header is looked for.
        self.fields["column_order_number"].required = False

    def mapping(self) -> dict[str, str]:
        kept = super().mapping()
        return {field: header or DEFAULT_MAPPING[field] for field, header in kept.items()}


class MatchForm(forms.Form):
    match_key = forms.CharField(widget=forms.HiddenInput, max_length=420)
    # A central UUID: any model of the whole catalogue, searched live; choosing one the
    # hospital does not use yet subscribes to it (tenants.mirror.sync.mirror_model).
    reference_model = forms.UUIDField(
        label=_("Reference model"),
        required=False,
        widget=SuggestSelect("catalogue_model", attrs={"class": "form-control form-control-sm"}),
    )
    no_model = forms.BooleanField(required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("no_model") and not cleaned.get("reference_model"):
            raise forms.ValidationError(_("Choose a reference model, or say there is none."))
        return cleaned
