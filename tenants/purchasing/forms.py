"""Forms of the purchasing pages. They turn what was typed into objects; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas.forms import BootstrapForm
from tenants.accounts.models import User
from tenants.campaigns.forms import DATE_INPUT
from tenants.core.suggest import SuggestInput
from tenants.inventory.models import Device
from tenants.markets.models import Lot, Market, Supplier
from tenants.plan.models import PlanLine
from tenants.purchasing.models import (
    ChecklistStatus,
    ExceptionCode,
    OffContractException,
    PurchaseFile,
    RiskClass,
)

SMALL = {"class": "form-control form-control-sm"}
# An optional choice left empty reads as a word, not Django's "---------".
NONE = _("— none —")
NONE_FEMININE = pgettext_lazy("feminine", "— none —")


def _first_word(value: str) -> str:
    return value.strip().split(" ", 1)[0] if value.strip() else ""


def _supplier(value: str) -> Supplier:
    name = " ".join(value.split()).split(" · ", 1)[0]
    found = Supplier.objects.filter(name__iexact=name).first()
    if found is None:
        raise forms.ValidationError(_("no supplier with this name"))
    return found


def _person(value: str) -> User:
    email = _first_word(value)
    found = User.objects.filter(email__iexact=email, is_active=True).first() if email else None
    if found is None:
        raise forms.ValidationError(_("no active person with this e-mail"))
    return found


class MarketChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        ends = f" (→ {obj.ends:%d/%m/%Y})" if obj.ends else ""
        return f"{obj} — {obj.title[:60]}{ends}"


def _markets() -> QuerySet[Market]:
    return Market.objects.select_related("purchasing_body").order_by("reference")


class ExceptionForm(BootstrapForm):
    code = forms.ChoiceField(label=_("Code"), choices=ExceptionCode.choices)
    supplier = forms.CharField(
        label=_("Supplier"), max_length=200, widget=SuggestInput("purchasing_supplier")
    )
    account_prefix = forms.CharField(label=_("Account prefix"), required=False, max_length=20)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE_INPUT)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE_INPUT)
    next_market = MarketChoice(
        label=_("Market to use afterwards"), queryset=_markets(), required=False, empty_label=NONE
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["next_market"].queryset = _markets()  # type: ignore[attr-defined]

    def clean_supplier(self) -> Supplier:
        return _supplier(self.cleaned_data["supplier"])


class ExceptionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        dates = f"{obj.valid_from:%d/%m/%Y} → {obj.valid_until:%d/%m/%Y}"
        return f"{obj.code} · {obj.supplier.name} · {dates}"


class FileChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.reference} · {obj.title}"


class RequestForm(BootstrapForm):
    file = FileChoice(
        label=_("Purchase file"),
        queryset=PurchaseFile.objects.none(),
        required=False,
        empty_label=NONE,
    )
    supplier = forms.CharField(
        label=_("Supplier"), max_length=200, widget=SuggestInput("purchasing_supplier")
    )
    contact_name = forms.CharField(label=_("Supplier's contact"), required=False, max_length=120)
    contact_email = forms.EmailField(label=_("Contact's e-mail"), required=False, max_length=254)
    contact_phone = forms.CharField(label=_("Contact's phone"), required=False, max_length=30)
    quote_number = forms.CharField(label=_("Quote number"), required=False, max_length=60)
    quote_date = forms.DateField(label=_("Quote date"), widget=DATE_INPUT)
    market = MarketChoice(label=_("Market"), queryset=_markets(), required=False, empty_label=NONE)
    lot = forms.CharField(
        label=_("Lot"),
        required=False,
        max_length=200,
        widget=SuggestInput("purchasing_lot"),
        help_text=_(
            "Its number in the market, or its title: a lot chosen among the suggestions also "
            "gives the market."
        ),
    )
    exception = ExceptionChoice(
        label=_("Off-contract exception"),
        queryset=OffContractException.objects.none(),
        required=False,
        empty_label=NONE_FEMININE,
        help_text=_("Instead of a market: an exception valid for this supplier on the quote date."),
    )
    over_budget_reason = forms.CharField(
        label=_("Reason for exceeding the budget"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, files: QuerySet[PurchaseFile], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].queryset = files  # type: ignore[attr-defined]
        self.fields["market"].queryset = _markets()  # type: ignore[attr-defined]
        self.fields["exception"].queryset = OffContractException.objects.select_related(  # type: ignore[attr-defined]
            "supplier"
        ).order_by("-valid_until")

    def clean_supplier(self) -> Supplier:
        return _supplier(self.cleaned_data["supplier"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # A suggestion reads "3 · LOC-2026-RESP": the lot's number, then its market's reference.
        number, _dot, reference = (cleaned.get("lot") or "").partition(" · ")
        number = number.strip()
        market = cleaned.get("market")
        cleaned["lot"] = None
        if number and reference.strip() and "market" not in self.errors:
            named = Market.objects.filter(reference__iexact=reference.strip()).first()
            if named is None:
                self.add_error("lot", _("no market has this reference"))
                return cleaned
            if market is None:
                cleaned["market"] = market = named
            elif market != named:
                self.add_error("lot", _("this lot is of another market than the one chosen"))
                return cleaned
        if number:
            if market is None:
                self.add_error("market", _("choose the market of this lot"))
            else:
                lot = Lot.objects.filter(market=market, number__iexact=number).first()
                if lot is None:
                    self.add_error("lot", _("this market has no lot with this number"))
                cleaned["lot"] = lot
        return cleaned


class LineForm(forms.Form):
    plan_line = forms.CharField(
        label=_("Plan line"),
        max_length=200,
        widget=SuggestInput("purchasing_plan_line", attrs=SMALL),
    )
    description = forms.CharField(
        label=_("Description"), max_length=300, required=False, widget=forms.TextInput(attrs=SMALL)
    )
    model_name = forms.CharField(
        label=_("Model"), max_length=200, required=False, widget=forms.TextInput(attrs=SMALL)
    )
    emdn_code = forms.CharField(
        label=_("EMDN code"),
        max_length=40,
        required=False,
        widget=SuggestInput("nomenclature", attrs=SMALL),
    )
    risk_class = forms.ChoiceField(
        label=_("Risk class"),
        choices=[("", NONE_FEMININE), *RiskClass.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    quantity = forms.CharField(
        label=_("Quantity"),
        max_length=10,
        widget=forms.TextInput(attrs={**SMALL, "inputmode": "numeric"}),
    )
    unit_price = forms.CharField(
        label=_("Unit price excl. VAT (€)"),
        max_length=30,
        widget=forms.TextInput(attrs={**SMALL, "inputmode": "decimal"}),
    )
    vat_rate = forms.CharField(
        label=_("VAT rate (%)"),
        max_length=10,
        initial="20",
        widget=forms.TextInput(attrs={**SMALL, "inputmode": "decimal"}),
    )
    warranty_months = forms.CharField(
        label=_("Warranty (months)"),
        max_length=5,
        required=False,
        widget=forms.TextInput(attrs={**SMALL, "inputmode": "numeric"}),
    )
    to_inventory = forms.BooleanField(
        label=_("To inventory"),
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    taken_back = forms.CharField(
        label=_("Device taken back"),
        max_length=40,
        required=False,
        widget=SuggestInput("loan_device", attrs=SMALL),
    )

    def __init__(self, *args: Any, plan_lines: QuerySet[PlanLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan_lines = plan_lines

    def clean_plan_line(self) -> PlanLine:
        reference = _first_word(self.cleaned_data["plan_line"])
        found = self.plan_lines.filter(reference__iexact=reference).first() if reference else None
        if found is None:
            raise forms.ValidationError(_("no plan line with this reference"))
        return found

    def clean_taken_back(self) -> Device | None:
        number = _first_word(self.cleaned_data["taken_back"])
        if not number:
            return None
        device = Device.objects.filter(inventory_number=number).first()
        if device is None:
            raise forms.ValidationError(_("no device with this inventory number"))
        return device

    def has_changed(self) -> bool:
        # A blank row stays blank even though its VAT rate and checkbox always send a value.
        return any(self[name].value() for name in ("plan_line", "description", "unit_price"))


class BaseLineFormSet(forms.BaseFormSet):
    row_label = _("%(label)s, line %(number)s")

    def __init__(self, *args: Any, plan_lines: QuerySet[PlanLine], **kwargs: Any) -> None:
        self.plan_lines = plan_lines
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "plan_lines": self.plan_lines}

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:  # a box drawn as Bootstrap's, as big as the others
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"


# ``absolute_max``: a forged row count builds 50 forms at most (Django's default builds up to
# 1,050, seconds of CPU per post), and is refused with Django's own "at most 50" message.
LineFormSet = formset_factory(
    LineForm,
    formset=BaseLineFormSet,
    extra=0,
    min_num=1,
    max_num=50,
    absolute_max=50,
    can_delete=True,
)


def line_formset(
    data: Any, *, plan_lines: QuerySet[PlanLine], initial: list[dict[str, Any]] | None
) -> Any:
    formset = LineFormSet(data, initial=initial, prefix="lines", plan_lines=plan_lines)  # type: ignore[call-arg]
    formset.extra = 0 if data is not None else 2
    return formset


class FileForm(BootstrapForm):
    title = forms.CharField(label=_("Project"), max_length=200)
    lead = forms.CharField(
        label=_("Lead"), max_length=254, widget=SuggestInput("purchasing_person")
    )
    participants = forms.CharField(
        label=_("Participants"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Their e-mails, one a line or separated by commas."),
    )
    plan_lines = forms.CharField(
        label=_("Plan lines"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Their references (PLN-2027-00042), one a line or separated by commas."),
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE_INPUT)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, plan_lines: QuerySet[PlanLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.visible_lines = plan_lines

    def clean_lead(self) -> User:
        return _person(self.cleaned_data["lead"])

    @staticmethod
    def _words(value: str) -> list[str]:
        return list(dict.fromkeys(value.replace(",", " ").replace(";", " ").split()))[:200]

    def clean_participants(self) -> list[User]:
        people = []
        for email in self._words(self.cleaned_data["participants"]):
            found = User.objects.filter(email__iexact=email, is_active=True).first()
            if found is None:
                raise forms.ValidationError(
                    _("no active person with the e-mail %(email)s") % {"email": email[:100]}
                )
            people.append(found)
        return people

    def clean_plan_lines(self) -> list[PlanLine]:
        lines = []
        for reference in self._words(self.cleaned_data["plan_lines"]):
            found = self.visible_lines.filter(reference__iexact=reference).first()
            if found is None:
                raise forms.ValidationError(
                    _("no plan line %(reference)s") % {"reference": reference[:40]}
                )
            lines.append(found)
        return lines


class ChecklistForm(forms.Form):
    owner = forms.CharField(
        label=_("Owner"),
        required=False,
        max_length=254,
        widget=SuggestInput("purchasing_person", attrs=SMALL),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=ChecklistStatus.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=500, widget=forms.TextInput(attrs=SMALL)
    )

    def __init__(self, *args: Any, form_id: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The row's fields sit in table cells, outside their <form>: they name it.
        for field in self.fields.values():
            field.widget.attrs["form"] = form_id

    def clean_owner(self) -> User | None:
        value = self.cleaned_data["owner"]
        return _person(value) if value.strip() else None


class ActForm(BootstrapForm):
    note = forms.CharField(label=_("Note"), required=False, max_length=4000)


class OrderForm(BootstrapForm):
    order_number = forms.CharField(label=_("Order number"), required=False, max_length=60)
    ordered_on = forms.DateField(
        label=_("Ordered on"), required=False, widget=DATE_INPUT, help_text=_("Leave empty: today.")
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=4000)
