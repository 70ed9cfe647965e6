"""Forms of the campaign pages. They only parse what was typed: the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from saas.forms import BootstrapForm
from tenants.campaigns.models import Campaign, Envelope, Nature, Step
from tenants.core.suggest import SuggestSelect
from tenants.structure.models import Establishment

DATE_INPUT = forms.DateInput(attrs={"placeholder": "jj/mm/aaaa"}, format="%d/%m/%Y")


class CampaignForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Campaign.Kind.choices)
    nature = forms.ChoiceField(label=_("Nature"), choices=Nature.choices)
    year = forms.IntegerField(label=_("Plan year"), min_value=2000, max_value=2100)
    opens = forms.DateField(label=_("Opens"), widget=DATE_INPUT)
    closes = forms.DateField(label=_("Closes"), widget=DATE_INPUT)
    establishments = forms.ModelMultipleChoiceField(
        label=_("Establishments"),
        queryset=Establishment.objects.filter(is_active=True).order_by("name"),
        widget=forms.CheckboxSelectMultiple,
    )
    steps = forms.MultipleChoiceField(
        label=_("Steps"),
        choices=Step.choices,
        initial=list(Step.values),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A small hospital may skip the dispatch; the commission cannot be skipped."),
    )
    message = forms.CharField(
        label=_("Message to requesters"),
        help_text=_("Shown to whoever starts a request in this campaign (rules, deadlines)."),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EnvelopeForm(BootstrapForm):
    scope = forms.CharField(
        label=_("Establishment, pôle or service"),
        widget=SuggestSelect("envelope_scope"),
        help_text=_("Type a code or a name."),
    )
    amount = forms.CharField(label=_("Amount (€)"), max_length=30)
    source = forms.ChoiceField(label=_("Source"), choices=Envelope.Source.choices)
    label = forms.CharField(label=_("Label"), max_length=200, required=False)
