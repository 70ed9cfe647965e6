"""The structure import form: the file, dry run or not, and the file's column headers."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.imports.forms import ImportForm
from tenants.structure.imports import DEFAULT_MAPPING


class StructureImportForm(ImportForm):
    field_labels = {
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
    default_mapping = DEFAULT_MAPPING
    file = forms.FileField(label=_("Structure file (CSV or XLSX)"))
