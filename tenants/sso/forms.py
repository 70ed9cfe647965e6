"""Forms of the identity provider pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from saas.forms import BootstrapModelForm, SafeJSONField
from tenants.access.forms import scope_choices
from tenants.access.models import Role
from tenants.access.permissions import ROLE_SCOPES
from tenants.access.services import GrantRefused, parse_scope
from tenants.sso.models import ClaimRoleMapping, IdentityProvider


class ProviderForm(BootstrapModelForm):
    discovery_url = forms.URLField(
        label=_("discovery URL"),
        assume_scheme="https",
        help_text=_("The provider's .well-known/openid-configuration address."),
    )
    client_secret = forms.CharField(
        label=_("client secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted. Leave empty to keep the current one."),
    )

    class Meta:
        model = IdentityProvider
        fields = [
            "name",
            "slug",
            "discovery_url",
            "client_id",
            "client_secret",
            "scopes",
            "extra_parameters",
            "email_claim",
            "name_claim",
            "link_existing_by_email",
            "is_enabled",
        ]
        field_classes = {"extra_parameters": SafeJSONField}

    def clean_extra_parameters(self) -> dict[str, Any]:
        value = self.cleaned_data["extra_parameters"] or {}
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise forms.ValidationError(
                _('Give a JSON object of texts, such as {"acr_values": "eidas1"}.')
            )
        return value

    def save(self, commit: bool = True) -> IdentityProvider:
        provider: IdentityProvider = super().save(commit=False)
        if self.cleaned_data.get("client_secret"):
            provider.client_secret = self.cleaned_data["client_secret"]
        if commit:
            provider.save()
        return provider


class MappingForm(BootstrapModelForm):
    scope = forms.ChoiceField(label=_("Scope"))

    class Meta:
        model = ClaimRoleMapping
        fields = ["claim_path", "value", "role", "scope"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = scope_choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if cleaned.get("role") and cleaned.get("scope"):
            try:
                kind, _target = parse_scope(cleaned["scope"])
            except GrantRefused as exc:
                self.add_error("scope", exc.reason)
            else:
                if kind not in ROLE_SCOPES[Role(cleaned["role"])]:
                    self.add_error("scope", _("This role cannot be granted on this kind of scope."))
        return cleaned
