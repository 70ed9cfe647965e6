"""Forms of the catalogue: the import, a list's name, its items' quantities and its shares."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from saas.forms import BootstrapForm
from tenants.accounts.models import User
from tenants.catalogue.imports import DEFAULT_MAPPING
from tenants.catalogue.services import MAX_QUANTITY
from tenants.core.suggest import SuggestInput
from tenants.imports.forms import ImportForm
from tenants.structure.models import FunctionalUnit


class CatalogueImportForm(ImportForm):
    field_labels = {
        "code": _("Column of the internal code"),
        "designation": _("Column of the designation"),
        "family": _("Column of the family"),
        "supplier": _("Column of the supplier"),
        "supplier_reference": _("Column of the supplier's reference"),
        "market": _("Column of the market"),
        "lot": _("Column of the lot"),
        "unit": _("Column of the unit"),
        "unit_price": _("Column of the unit price"),
        "fits_models": _("Column of the device models fitted"),
    }
    default_mapping = DEFAULT_MAPPING
    file = forms.FileField(label=_("Purchasing system's export (CSV or XLSX)"))

    def mapping(self) -> dict[str, str]:
        kept = super().mapping()
        return {field: header or DEFAULT_MAPPING[field] for field, header in kept.items()}


class ListNameForm(BootstrapForm):
    name = forms.CharField(label=_("Name of the list"), max_length=150)


class QuantityForm(BootstrapForm):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY)


class ShareForm(BootstrapForm):
    uf = forms.CharField(
        label=_("UF (code)"), required=False, max_length=20, widget=SuggestInput("uf")
    )
    email = forms.EmailField(label=_("or a person (e-mail)"), required=False)
    can_edit = forms.BooleanField(label=_("May edit the items"), required=False)

    def clean_uf(self) -> FunctionalUnit | None:
        code = self.cleaned_data["uf"].replace("\x00", "").strip()
        if not code:
            return None
        unit = FunctionalUnit.objects.filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(_("No UF has this code."))
        return unit

    def clean_email(self) -> User | None:
        email = self.cleaned_data["email"].strip()
        if not email:
            return None
        person = User.objects.filter(email__iexact=email, is_active=True).first()
        if person is None:
            raise forms.ValidationError(_("Nobody has this e-mail address here."))
        return person

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and (cleaned.get("uf") is None) == (cleaned.get("email") is None):
            raise forms.ValidationError(_("Give an UF or a person, not both."))
        return cleaned


class PhotoForm(BootstrapForm):
    photo = forms.FileField(label=_("Photo (PNG, JPEG, GIF or WebP)"))
