"""The login page: a password form, and a button per identity provider of the tenant."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name

from tenants.accounts import throttle
from tenants.accounts.backends import lockout_username
from tenants.accounts.forms import EmailAuthenticationForm


def too_many_attempts(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/locked_out.html", status=429)


def too_many_requests(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "accounts/too_many_requests.html", {"message": message}, status=429)


class PasswordResetView(auth_views.PasswordResetView):
    """Reset e-mails are limited per address (a 429 that says so) and per account (past the
    limit the page answers as usual and sends nothing: the links already sent still work, and
    the answer does not tell whether the account exists)."""

    def form_valid(self, form: Any) -> HttpResponse:
        if not throttle.ADDRESS_PASSWORD_RESETS.take(throttle.client_address(self.request)):
            return too_many_requests(
                self.request,
                _("Too many password resets were asked from your network. Try again in an hour."),
            )
        if not throttle.ACCOUNT_PASSWORD_RESETS.take(form.cleaned_data["email"]):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # django-axes locks one account for one address; these limits stop the attacks that
        # spread over accounts or addresses (see tenants/accounts/throttle.py).
        account = lockout_username(request, None)
        if throttle.ADDRESS_LOGIN_FAILURES.exceeded(throttle.client_address(request)):
            return too_many_attempts(request)
        if throttle.ACCOUNT_LOGIN_FAILURES.exceeded(account) and not throttle.is_known_device(
            request, account
        ):
            return too_many_attempts(request)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        account = lockout_username(self.request, None)
        if account and self.request.POST.get("password"):
            throttle.ADDRESS_LOGIN_FAILURES.hit(throttle.client_address(self.request))
            throttle.ACCOUNT_LOGIN_FAILURES.hit(account)
        return super().form_invalid(form)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        throttle.remember_device(self.request, response, lockout_username(self.request, None))
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["providers"] = []
        # Platform staff sign in on the public host, which has no identity providers.
        if getattr(connection, "schema_name", None) != get_public_schema_name():
            from tenants.sso.models import IdentityProvider

            context["providers"] = IdentityProvider.objects.filter(is_enabled=True)
        return context
