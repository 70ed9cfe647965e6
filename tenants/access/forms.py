"""Forms of the tenant administration pages."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from saas.forms import BootstrapForm
from tenants.access.models import Role, ScopeKind
from tenants.access.scopes import GRANT_TARGETS, target_label
from tenants.access.services import parse_scope
from tenants.core.suggest import SuggestSelect


def scope_choices() -> list[tuple[Any, Any]]:
    """One list of every scope, grouped by kind: ``tenant`` or ``<kind>:<id>``."""
    choices: list[tuple[Any, Any]] = [(ScopeKind.TENANT.value, ScopeKind.TENANT.label)]
    for kind, target in GRANT_TARGETS.items():
        # Each label may name the establishment (in a GHT): fetch it with the row.
        paths = [target.label_path] if target.label_path else []
        rows = target.model._default_manager.select_related(*paths)
        options = [(f"{kind}:{obj.pk}", target_label(obj)) for obj in rows]
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
