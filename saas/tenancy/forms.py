"""Sign-up and staff forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from saas.tenancy.models import SignupRequest
from saas.tenancy.services import subdomain_is_taken
from saas.tenancy.validators import normalise_finess


class SignupForm(forms.ModelForm):
    class Meta:
        model = SignupRequest
        fields = ["name", "kind", "finess", "contact_email", "subdomain"]
        help_texts = {
            "finess": _("Nine characters, for example 800000044."),
            "subdomain": _("Your address will be <sub-domain>.%(base)s"),
        }

    def __init__(self, *args: object, base_domain: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["subdomain"].help_text = _(
            "Lower-case letters, digits and hyphens; your address will be <sub-domain>.%(base)s"
        ) % {"base": base_domain}

    def clean_finess(self) -> str:
        return normalise_finess(self.cleaned_data["finess"])

    def clean_subdomain(self) -> str:
        subdomain: str = self.cleaned_data["subdomain"].strip().lower()
        if subdomain_is_taken(subdomain):
            raise forms.ValidationError(_("This sub-domain is already taken."), code="taken")
        return subdomain


class SuspendForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
