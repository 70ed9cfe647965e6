"""The login page: a password form, and a button per identity provider of the tenant."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.db import connection
from django_tenants.utils import get_public_schema_name

from tenants.accounts.forms import EmailAuthenticationForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["providers"] = []
        # Platform staff sign in on the public host, which has no identity providers.
        if getattr(connection, "schema_name", None) != get_public_schema_name():
            from tenants.sso.models import IdentityProvider

            context["providers"] = IdentityProvider.objects.filter(is_enabled=True)
        return context
