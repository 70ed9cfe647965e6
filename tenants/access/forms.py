"""Forms of the tenant administration pages."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from saas.forms import BootstrapForm
from tenants.access.models import ExpertiseDomain, Role, ScopeKind
from tenants.access.services import parse_scope
from tenants.core.suggest import SuggestSelect
from tenants.structure.labels import place_label
from tenants.structure.models import Establishment, FunctionalUnit, Pole

SCOPE_MODELS: dict[str, type[Model]] = {
    ScopeKind.ESTABLISHMENT: Establishment,
    ScopeKind.POLE: Pole,
    ScopeKind.UF: FunctionalUnit,
    ScopeKind.DOMAIN: ExpertiseDomain,
}


# Each label may name the establishment (in a GHT): fetch it with the row.
_PATH_TO_ESTABLISHMENT: dict[str, tuple[str, ...]] = {
    ScopeKind.POLE: ("establishment",),
    ScopeKind.UF: ("service__pole__establishment",),
}


def scope_target_label(obj: Model) -> str:
    if isinstance(obj, ExpertiseDomain):
        return f"{ScopeKind.DOMAIN.label} {obj}"
    return place_label(obj)


def scope_choices() -> list[tuple[Any, Any]]:
    """One list of every scope, grouped by kind: ``tenant`` or ``<kind>:<id>``."""
    choices: list[tuple[Any, Any]] = [(ScopeKind.TENANT.value, ScopeKind.TENANT.label)]
    for kind, model in SCOPE_MODELS.items():
        rows = model._default_manager.select_related(*_PATH_TO_ESTABLISHMENT.get(kind, ()))
        options = [(f"{kind}:{obj.pk}", scope_target_label(obj)) for obj in rows]
        if options:
            choices.append((ScopeKind(kind).label, options))
    return choices


class InviteForm(BootstrapForm):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)


class GrantForm(BootstrapForm):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    # Hundreds of UF: the scope is found by typing its code or name.
    scope = forms.ChoiceField(
        label=_("Scope"),
        widget=SuggestSelect("scope"),
        help_text=_("Type a UF code or name, a pôle, an establishment or an expertise domain."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["scope"]).choices = scope_choices()

    def scope_and_target(self) -> tuple[str, Model | None]:
        return parse_scope(self.cleaned_data["scope"])
