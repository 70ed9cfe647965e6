"""Forms of the request pages. They only parse what was typed: the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from saas.forms import BootstrapForm
from tenants.access.models import ExpertiseDomain
from tenants.accounts.models import User
from tenants.campaigns.models import Nature
from tenants.campaigns.services import Refused, money
from tenants.core.suggest import SuggestInput, SuggestSelect
from tenants.mirror.selectors import is_known_term, unknown_term_reason
from tenants.requests.models import Priority, RequestPart
from tenants.requests.services import whole_quantity
from tenants.requests.workflow import domain_experts
from tenants.structure.models import FunctionalUnit

# The part a request of each nature starts with.
FIRST_PART: dict[str, str] = {
    Nature.EQUIPMENT: RequestPart.Kind.INVESTMENT,
    Nature.WORKS: RequestPart.Kind.WORKS,
    Nature.SOFTWARE: RequestPart.Kind.IT,
}


class RequestForm(BootstrapForm):
    """The request itself; its fields follow the campaign's nature."""

    uf = forms.CharField(label=_("UF"), max_length=20, widget=SuggestInput("request_uf"))
    title = forms.CharField(label=_("Title"), max_length=200)
    argument = forms.CharField(
        label=_("Argument"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Priority.choices, coerce=int, initial=Priority.NORMAL
    )
    nomenclature_code = forms.CharField(
        label=_("Nomenclature code"),
        required=False,
        max_length=200,
        widget=SuggestInput("nomenclature"),
    )
    reference_model = forms.UUIDField(
        label=_("Reference model"),
        required=False,
        widget=SuggestSelect("catalogue_model"),
        help_text=_("When known: any model of the reference catalogue."),
    )
    replaces = forms.CharField(
        label=_("Replaces (inventory numbers)"),
        required=False,
        max_length=2000,
        help_text=_("The devices this request replaces, separated by spaces or commas."),
    )

    def __init__(self, *args: Any, nature: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if nature != Nature.EQUIPMENT:
            # Works and software name no device model.
            del self.fields["nomenclature_code"]
            del self.fields["reference_model"]
        if nature == Nature.WORKS:
            del self.fields["replaces"]

    # Each field is checked here, so that every mistake shows in one round: an unknown UF
    # or code beside an empty title, not one after the other.
    def clean_uf(self) -> FunctionalUnit:
        code = self.cleaned_data["uf"].strip().split(" ", 1)[0]
        uf = FunctionalUnit.objects.select_related("service__pole").filter(code=code).first()
        if uf is None:
            raise forms.ValidationError(_("no UF with this code"))
        return uf

    def clean_nomenclature_code(self) -> str:
        code = self.cleaned_data["nomenclature_code"].strip().split(" ", 1)[0]
        # A request keeps the code it has even if its nomenclature dropped it meanwhile.
        if code and code != self.initial.get("nomenclature_code") and not is_known_term(code):
            raise forms.ValidationError(unknown_term_reason(code))
        return code

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        typed = self.data.get("reference_model__label", "").strip()
        if "reference_model" in self.fields and typed and not cleaned.get("reference_model"):
            # Typed but not picked: saying nothing would drop it silently.
            self.add_error(
                "reference_model",
                _(
                    "“%(typed)s” was not chosen among the suggestions: choose the model in the"
                    " list, or empty the field and describe the model in the argument"
                )
                % {"typed": typed[:100]},
            )
        return cleaned

    def replaced_numbers(self) -> list[str]:
        return self.cleaned_data.get("replaces", "").replace(",", " ").split()


class PartForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Part"),
        choices=RequestPart.Kind.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    quantity = forms.CharField(
        label=_("Quantity"),
        max_length=10,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm text-end", "size": 4}),
    )
    unit_price = forms.CharField(
        label=_("Estimated unit price (€)"),
        max_length=30,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm text-end"}),
    )

    # Checked here too, so every part's mistakes show at once next to their fields.
    def clean_quantity(self) -> int:
        try:
            return whole_quantity(self.cleaned_data["quantity"], "quantity")
        except Refused as refused:
            raise forms.ValidationError(refused.reason) from refused

    def clean_unit_price(self) -> Decimal:
        try:
            return money(self.cleaned_data["unit_price"], "unit_price")
        except Refused as refused:
            raise forms.ValidationError(refused.reason) from refused

    def has_changed(self) -> bool:
        # A blank row stays blank even though its kind select always sends a value.
        return any(self[name].value() for name in ("description", "quantity", "unit_price"))


class BasePartFormSet(forms.BaseFormSet):
    # The error summary names a part's field as the label of its cell does.
    row_label = _("%(label)s, part %(number)s")


# ``absolute_max``: a forged row count builds 20 forms at most, refused with Django's message.
PartFormSet = formset_factory(
    PartForm,
    formset=BasePartFormSet,
    extra=0,
    min_num=1,
    max_num=20,
    absolute_max=20,
    can_delete=True,
)


def part_formset(
    data: Any = None, *, nature: str, initial: list[dict[str, Any]] | None = None
) -> Any:
    if initial is None:
        initial = [{"kind": FIRST_PART.get(nature, RequestPart.Kind.INVESTMENT), "quantity": 1}]
    formset = PartFormSet(data, initial=initial, prefix="parts")
    formset.extra = 0 if data is not None else 2
    return formset


class DomainChoice(forms.Form):
    domain = forms.ModelChoiceField(
        label=_("Expertise domain"),
        queryset=ExpertiseDomain.objects.order_by("name"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    expert = forms.ModelChoiceField(
        label=_("Expert (optional)"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— any expert of the domain —"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = domain_experts()  # type: ignore[attr-defined]
