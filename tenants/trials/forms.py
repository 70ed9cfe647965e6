"""Forms of the trials' pages: they parse what was typed; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas.forms import BootstrapForm
from tenants.access.models import ExpertiseDomain
from tenants.accounts.models import User
from tenants.campaigns.forms import DATE_INPUT
from tenants.core.suggest import SuggestInput
from tenants.plan.models import PlanLine
from tenants.structure.models import FunctionalUnit
from tenants.trials.models import ClinicalEvaluation, DocumentKind, TechnicalEvaluation
from tenants.trials.services import COMMENTS_LIMIT, REASON_LIMIT, TEXT_LIMITS

SCORES = [(str(n), str(n)) for n in range(1, 6)]


class TrialForm(BootstrapForm):
    device = forms.CharField(
        label=_("Device"),
        max_length=TEXT_LIMITS["device"],
        help_text=_("Its name and model, as the supplier calls it."),
    )
    manufacturer = forms.CharField(
        label=_("Manufacturer or supplier"), max_length=TEXT_LIMITS["manufacturer"]
    )
    contact_name = forms.CharField(
        label=_("Supplier's contact"), max_length=TEXT_LIMITS["contact_name"], required=False
    )
    contact_phone = forms.CharField(
        label=_("Contact's phone"), max_length=TEXT_LIMITS["contact_phone"], required=False
    )
    contact_email = forms.CharField(
        label=_("Contact's e-mail"), max_length=TEXT_LIMITS["contact_email"], required=False
    )
    ce_marked = forms.BooleanField(label=_("CE marked"), required=False)
    ce_marking = forms.CharField(
        label=_("CE marking"),
        max_length=TEXT_LIMITS["ce_marking"],
        required=False,
        help_text=_("Class and notified body's number, e.g. IIb — CE 0123."),
    )
    uf = forms.CharField(label=_("UF that tries it"), max_length=20, widget=SuggestInput("uf"))
    domain = forms.ModelChoiceField(
        label=_("Expertise domain"),
        queryset=ExpertiseDomain.objects.all(),
        required=False,
        empty_label=_("— none —"),
    )
    expert = forms.ModelChoiceField(
        label=_("Expert in charge"), queryset=User.objects.none(), empty_label="—"
    )
    plan_line = forms.ModelChoiceField(
        label=_("Plan line"),
        queryset=PlanLine.objects.none(),
        required=False,
        empty_label=pgettext_lazy("feminine", "— none —"),
        help_text=_("When the trial is the trials step of a line of the equipment plan."),
    )
    planned_start = forms.DateField(label=_("Planned start"), widget=DATE_INPUT)
    planned_return = forms.DateField(label=_("Planned return"), widget=DATE_INPUT)
    purpose = forms.CharField(
        label=_("What is tried"),
        max_length=TEXT_LIMITS["purpose"],
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, experts: Any, lines: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = experts  # type: ignore[attr-defined]
        self.fields["plan_line"].queryset = lines  # type: ignore[attr-defined]

    def clean_uf(self) -> FunctionalUnit:
        code = self.cleaned_data["uf"].strip().split(" ", 1)[0]
        uf = FunctionalUnit.objects.select_related("service__pole").filter(code=code).first()
        if uf is None:
            raise forms.ValidationError(_("no UF with this code"))
        return uf


class StateForm(BootstrapForm):
    """A state change: its date (delivery, return) and why (refusal, cancellation)."""

    on = forms.DateField(label=_("Date"), required=False, widget=DATE_INPUT)
    reason = forms.CharField(
        label=_("Why"),
        max_length=REASON_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DocumentForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Which document"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("File"))


def _score(label: Any) -> forms.ChoiceField:
    # The models' names are lower case ("ergonomics"): a form's label starts with a capital.
    return forms.ChoiceField(label=capfirst(label), choices=SCORES, widget=forms.RadioSelect)


class ClinicalForm(BootstrapForm):
    ergonomics = _score(ClinicalEvaluation._meta.get_field("ergonomics").verbose_name)
    ease_of_use = _score(ClinicalEvaluation._meta.get_field("ease_of_use").verbose_name)
    clinical_performance = _score(
        ClinicalEvaluation._meta.get_field("clinical_performance").verbose_name
    )
    cleaning = _score(ClinicalEvaluation._meta.get_field("cleaning").verbose_name)
    overall = _score(ClinicalEvaluation._meta.get_field("overall").verbose_name)
    comments = forms.CharField(
        label=_("Comments"),
        max_length=COMMENTS_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TechnicalForm(BootstrapForm):
    build_quality = _score(TechnicalEvaluation._meta.get_field("build_quality").verbose_name)
    maintainability = _score(TechnicalEvaluation._meta.get_field("maintainability").verbose_name)
    compatibility = _score(TechnicalEvaluation._meta.get_field("compatibility").verbose_name)
    safety = _score(TechnicalEvaluation._meta.get_field("safety").verbose_name)
    documentation = _score(TechnicalEvaluation._meta.get_field("documentation").verbose_name)
    overall = _score(TechnicalEvaluation._meta.get_field("overall").verbose_name)
    comments = forms.CharField(
        label=_("Comments"),
        max_length=COMMENTS_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
