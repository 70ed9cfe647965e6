"""Filters of the plan's lines (their values live in the URL)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tenants.access.models import ExpertiseDomain
from tenants.accounts.models import User
from tenants.campaigns.models import Campaign, Envelope, Nature
from tenants.core.suggest import SuggestInput
from tenants.plan.forms import MonthField
from tenants.plan.models import LineStep, PlanLine, StepStatus
from tenants.structure.models import Establishment, Pole
from tenants.tables.filters import ALL_FEMININE, BaseFilterSet, SearchFilter

YES_NO = [("true", pgettext_lazy("filter", "Yes")), ("false", pgettext_lazy("filter", "No"))]
# A step status one looks for across lines (an untouched step is "to do": not a search).
SOUGHT_STEP_STATUSES = [
    (s.value, s.label)
    for s in (StepStatus.IN_PROGRESS, StepStatus.WAITING, StepStatus.BLOCKED, StepStatus.CANCELLED)
]


class YesNoFilter(django_filters.ChoiceFilter):
    """A flag as a select: all, yes, no (a ticked box could not say "all")."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=YES_NO, empty_label=ALL_FEMININE, **kwargs)

    def filter(self, qs: QuerySet[Any], value: str) -> QuerySet[Any]:
        if value in ("true", "false"):
            return qs.filter(**{self.field_name: value == "true"})
        return qs


class MonthFilter(django_filters.Filter):
    """A month typed mm/yyyy (the schedule's links use it): the lines expected that month."""

    field_class = MonthField

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"size": 7, "placeholder": "mm/aaaa"}))
        super().__init__(**kwargs)


class PlanLineFilter(BaseFilterSet):
    q = SearchFilter(
        (
            "reference__icontains",
            "request__reference__icontains",
            "title__icontains",
            "uf__code__istartswith",
            "request__argument__icontains",
        ),
        number="request_id",
    )
    year = django_filters.NumberFilter(label=_("Year"), widget=forms.NumberInput(attrs={"size": 6}))
    campaign = django_filters.ModelChoiceFilter(
        empty_label=ALL_FEMININE, label=_("Campaign"), queryset=Campaign.objects.all()
    )
    envelope = django_filters.ModelChoiceFilter(
        empty_label=ALL_FEMININE,
        label=_("Envelope"),
        queryset=Envelope.objects.select_related("establishment", "pole", "service"),
        method="in_envelope",
    )
    establishment = django_filters.ModelChoiceFilter(
        label=_("Establishment"),
        field_name="uf__service__pole__establishment",
        queryset=Establishment.objects.all(),
    )
    pole = django_filters.ModelChoiceFilter(
        label=_("Pôle"), field_name="uf__service__pole", queryset=Pole.objects.all()
    )
    uf = django_filters.CharFilter(
        label=_("UF"), field_name="uf__code", widget=SuggestInput("uf", attrs={"size": 8})
    )
    nature = django_filters.ChoiceFilter(
        empty_label=ALL_FEMININE, label=_("Nature"), choices=Nature.choices
    )
    domain = django_filters.ModelChoiceFilter(
        label=_("Expertise domain"),
        field_name="request__domain",
        queryset=ExpertiseDomain.objects.all(),
    )
    manager = django_filters.ModelChoiceFilter(
        label=_("Operation manager"),
        queryset=User.objects.filter(managed_plan_lines__isnull=False)
        .distinct()
        .order_by("full_name", "email"),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PlanLine.Status.choices)
    commissioning = MonthFilter(
        label=_("Commissioning month"), field_name="commissioning_month", help_text=""
    )
    step_status = django_filters.ChoiceFilter(
        label=_("A step is"), choices=SOUGHT_STEP_STATUSES, method="with_step_status"
    )
    settled = YesNoFilter(label=_("Settled"))
    closed = YesNoFilter(label=_("Closed"))

    class Meta:
        model = PlanLine
        fields: list[str] = []

    def in_envelope(self, qs: QuerySet[PlanLine], name: str, value: Envelope) -> QuerySet[Any]:
        return qs.filter(value.covers(), campaign_id=value.campaign_id)

    def with_step_status(self, qs: QuerySet[PlanLine], name: str, value: str) -> QuerySet[Any]:
        return qs.filter(
            Exists(
                LineStep.objects.filter(line=OuterRef("pk"), status=value, definition__hidden=False)
            )
        )


class FollowedLineFilter(BaseFilterSet):
    """What a service filters its purchases by."""

    q = SearchFilter(
        ("reference__icontains", "request__reference__icontains", "title__icontains"),
        number="request_id",
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PlanLine.Status.choices)

    class Meta:
        model = PlanLine
        fields: list[str] = []
