"""Forms of the loans' pages. They only parse what was typed; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from saas.forms import BootstrapForm
from tenants.campaigns.forms import DATE_INPUT
from tenants.core.suggest import SuggestInput
from tenants.inventory.models import Device
from tenants.loans.services import NAME_LIMIT, PHONE_LIMIT, REASON_LIMIT
from tenants.structure.models import FunctionalUnit


def _uf(value: str) -> FunctionalUnit:
    code = value.strip().split(" ", 1)[0]
    uf = FunctionalUnit.objects.select_related("service__pole").filter(code=code).first()
    if uf is None:
        raise forms.ValidationError(_("no UF with this code"))
    return uf


class LoanForm(BootstrapForm):
    device = forms.CharField(
        label=_("Device (inventory number)"), max_length=40, widget=SuggestInput("loan_device")
    )
    lending_uf = forms.CharField(
        label=_("Lending UF"),
        required=False,
        max_length=200,
        widget=SuggestInput("uf"),
        help_text=_("Leave empty: the device's UF."),
    )
    borrowing_uf = forms.CharField(
        label=_("Borrowing UF"), max_length=200, widget=SuggestInput("uf")
    )
    starts_on = forms.DateField(label=_("Start date"), widget=DATE_INPUT)
    due_on = forms.DateField(label=_("Planned return date"), widget=DATE_INPUT)
    lender_name = forms.CharField(
        label=_("Lender's contact"), required=False, max_length=NAME_LIMIT
    )
    lender_phone = forms.CharField(
        label=_("Lender's phone"), required=False, max_length=PHONE_LIMIT
    )
    borrower_name = forms.CharField(
        label=_("Borrower's contact"), required=False, max_length=NAME_LIMIT
    )
    borrower_phone = forms.CharField(
        label=_("Borrower's phone"), required=False, max_length=PHONE_LIMIT
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_device(self) -> Device:
        number = self.cleaned_data["device"].strip().split(" ", 1)[0]
        device = Device.objects.select_related("uf").filter(inventory_number=number).first()
        if device is None:
            raise forms.ValidationError(_("no device with this inventory number"))
        return device

    def clean_lending_uf(self) -> FunctionalUnit | None:
        value = self.cleaned_data["lending_uf"]
        return _uf(value) if value.strip() else None

    def clean_borrowing_uf(self) -> FunctionalUnit:
        return _uf(self.cleaned_data["borrowing_uf"])


class ReturnForm(BootstrapForm):
    returned_on = forms.DateField(
        label=_("Returned on"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Leave empty: today."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=REASON_LIMIT)


class MoveForm(BootstrapForm):
    due_on = forms.DateField(label=_("New planned return date"), widget=DATE_INPUT)
    note = forms.CharField(label=_("Why"), required=False, max_length=REASON_LIMIT)


class CancelForm(BootstrapForm):
    note = forms.CharField(label=_("Why"), required=False, max_length=REASON_LIMIT)
