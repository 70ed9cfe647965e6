"""The structure import form: the file, dry run or not, and the file's column headers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.core.forms import BootstrapForm
from tenants.structure.imports import DEFAULT_MAPPING

FIELD_LABELS = {
    "establishment_finess": _("Column of the establishment's FINESS"),
    "establishment_name": _("Column of the establishment's name"),
    "pole_code": _("Column of the pôle code"),
    "pole_name": _("Column of the pôle name"),
    "service_code": _("Column of the service code"),
    "service_name": _("Column of the service name"),
    "uf_code": _("Column of the UF code"),
    "uf_name": _("Column of the UF name"),
    "valid_from": _("Column of the start of validity"),
    "valid_until": _("Column of the end of validity"),
}
MAX_UPLOAD = 50 * 1024 * 1024


class StructureImportForm(BootstrapForm):
    file = forms.FileField(label=_("Structure file (CSV or XLSX)"))
    dry_run = forms.BooleanField(
        label=_("Dry run: show what would change, keep nothing"), required=False, initial=True
    )

    def __init__(self, *args: Any, mapping: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field, label in FIELD_LABELS.items():
            self.fields[f"column_{field}"] = forms.CharField(
                label=label, max_length=100, initial=mapping.get(field, DEFAULT_MAPPING[field])
            )
            self.fields[f"column_{field}"].widget.attrs["class"] = "form-control"

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx", ".xlsm")):
            raise forms.ValidationError(_("Give a CSV or an XLSX file."))
        return upload

    def mapping(self) -> dict[str, str]:
        return {field: self.cleaned_data[f"column_{field}"].strip() for field in FIELD_LABELS}
