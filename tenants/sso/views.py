"""Signing in through the tenant's identity providers, and their administration pages."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from django.conf import settings
from django.contrib import auth, messages
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import View
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from tenants.access.permissions import Action, permission_required
from tenants.sso import services
from tenants.sso.backend import TenantOIDCBackend
from tenants.sso.forms import MappingForm, ProviderForm
from tenants.sso.models import ClaimRoleMapping, IdentityProvider

logger = logging.getLogger(__name__)
BACKEND = "tenants.sso.backend.TenantOIDCBackend"


def failure(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "sso/failure.html", {"message": message}, status=status)


class ProviderLoginView(OIDCAuthenticationRequestView):  # type: ignore[misc]
    """Sends the browser to the provider, remembering which provider the state belongs to."""

    provider: IdentityProvider

    def __init__(self, **kwargs: Any) -> None:
        View.__init__(self, **kwargs)  # the provider's values are set in get(), not from settings

    def get_settings(self, attr: str, *args: Any) -> Any:
        if attr == "OIDC_RP_SCOPES":
            return self.provider.scopes
        return super().get_settings(attr, *args)

    def get_extra_params(self, request: HttpRequest) -> dict[str, Any]:
        return dict(self.provider.extra_parameters or {})

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:  # type: ignore[override]
        self.provider = get_object_or_404(IdentityProvider, slug=slug, is_enabled=True)
        try:
            document = services.discovery(self.provider)
        except services.ProviderUnavailable:
            return failure(request, unavailable_message(self.provider), 502)
        self.OIDC_OP_AUTH_ENDPOINT = document["authorization_endpoint"]
        self.OIDC_RP_CLIENT_ID = self.provider.client_id
        response: HttpResponse = super().get(request)
        state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
        request.session["oidc_states"][state]["provider"] = self.provider.slug
        request.session.modified = True
        return response


def unavailable_message(provider: IdentityProvider) -> str:
    return _(
        "%(provider)s cannot be reached at the moment. Try again in a few minutes, or sign in "
        "with your password if you have one."
    ) % {"provider": provider.name}


def callback(request: HttpRequest) -> HttpResponse:
    """Where providers send the browser back; every failure is a page that says what to do."""
    states: dict[str, Any] = request.session.get("oidc_states", {})
    state = request.GET.get("state", "")
    entry = states.pop(state, None) if state else None
    if entry is not None:
        request.session.modified = True
        request.session.save()
    if request.GET.get("error"):
        return failure(request, _("The identity provider did not sign you in."), 403)
    if entry is None or not request.GET.get("code"):
        logger.info("OIDC callback with an unknown or replayed state")
        return failure(
            request,
            _("This sign-in has expired or was already used. Start again from the login page."),
            400,
        )
    provider = IdentityProvider.objects.filter(slug=entry.get("provider"), is_enabled=True).first()
    if provider is None:
        return failure(request, _("This identity provider is no longer offered here."), 400)
    backend = TenantOIDCBackend()
    try:
        user = backend.authenticate(
            request,
            provider=provider,
            nonce=entry.get("nonce"),
            code_verifier=entry.get("code_verifier"),
        )
    except services.ProviderUnavailable:
        return failure(request, unavailable_message(provider), 502)
    except services.LoginRefused as refused:
        services.note_provider_error(provider, f"login refused: {refused.reason}")
        return failure(request, refused.reason, refused.status)
    except (requests.RequestException, SuspiciousOperation, KeyError, ValueError) as exc:
        services.note_provider_error(provider, f"sign-in failed: {exc}")
        return failure(
            request, _("The sign-in could not be completed. Contact your administrator."), 403
        )
    if user is None:
        services.note_provider_error(provider, "sign-in failed: the provider's answer was refused")
        return failure(
            request, _("The sign-in could not be completed. Contact your administrator."), 403
        )
    auth.login(request, user, backend=BACKEND)
    next_url = request.session.pop("oidc_login_next", None)
    return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


administer = permission_required(Action.ADMINISTER_TENANT)


@administer
def provider_list(request: HttpRequest) -> HttpResponse:
    providers = IdentityProvider.objects.prefetch_related("mappings")
    callback_url = request.build_absolute_uri(resolve_url("sso:callback"))
    return render(
        request, "sso/provider_list.html", {"providers": providers, "callback_url": callback_url}
    )


@administer
def provider_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    provider = get_object_or_404(IdentityProvider, pk=pk) if pk else None
    form = ProviderForm(request.POST or None, instance=provider)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("Identity provider saved."))
        return redirect("sso:provider_detail", pk=saved.pk)
    return render(
        request,
        "sso/provider_form.html",
        {"form": form, "provider": provider},
        status=400 if form.errors else 200,
    )


@administer
def provider_detail(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_object_or_404(IdentityProvider, pk=pk)
    form = MappingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.provider = provider
        form.save()
        messages.success(request, _("Mapping added; it applies from each user's next login."))
        return redirect("sso:provider_detail", pk=provider.pk)
    return render(
        request,
        "sso/provider_detail.html",
        {"provider": provider, "mappings": provider.mappings.all(), "form": form},
        status=400 if form.errors else 200,
    )


@administer
@require_POST
def mapping_delete(request: HttpRequest, pk: int) -> HttpResponse:
    mapping = get_object_or_404(ClaimRoleMapping, pk=pk)
    mapping.delete()
    messages.success(request, _("Mapping removed; it applies from each user's next login."))
    return redirect("sso:provider_detail", pk=mapping.provider_id)


@administer
@require_POST
def provider_delete(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(IdentityProvider, pk=pk).delete()
    messages.success(request, _("Identity provider removed."))
    return redirect("sso:provider_list")
