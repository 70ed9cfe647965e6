"""Public host pages: landing, sign-up, staff's tenant list, health, unknown hosts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from saas.errors import show_on_form
from saas.reference_sync.selectors import sync_health
from saas.tenancy import selectors, services
from saas.tenancy.forms import SignupForm, SuspendForm
from saas.tenancy.models import Tenant, TenantKind
from saas.tenancy.urls_helpers import public_url
from tenants.accounts import throttle
from tenants.accounts.models import User
from tenants.accounts.views import too_many_requests

ViewFunc = Callable[..., Any]

staff_required: Callable[[ViewFunc], ViewFunc] = staff_member_required(login_url="accounts:login")


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "tenancy/landing.html")


def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None, base_domain=settings.BASE_DOMAIN)
    if request.method == "POST" and form.is_valid():
        # Each sign-up e-mails its contact: limited per address and per contact address.
        if not throttle.ADDRESS_SIGNUPS.take(throttle.client_address(request)):
            return too_many_requests(
                request, _("Too many sign-ups were sent from your network. Try again in an hour.")
            )
        if not throttle.EMAIL_SIGNUPS.take(form.cleaned_data["contact_email"]):
            form.add_error(
                "contact_email",
                _("Too many sign-ups for this address in the last hour: check its mailbox."),
            )
            return render(request, "tenancy/signup.html", {"form": form}, status=400)
        try:
            services.request_signup(**form.cleaned_data)
        except services.SignupError as refused:
            show_on_form(refused, form)
        else:
            return redirect("tenancy:signup_sent")
    return render(
        request, "tenancy/signup.html", {"form": form}, status=400 if form.errors else 200
    )


def signup_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "tenancy/signup_sent.html")


def signup_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        signup_request = services.confirm_signup(token)
    except services.SignupError as refused:
        context = {"error": refused.reason}
        return render(request, "tenancy/signup_confirm.html", context, status=refused.status)
    return render(request, "tenancy/signup_confirm.html", {"signup": signup_request})


def health(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        from django.core.cache import cache

        cache.set("health", "ok", 5)
        checks["cache"] = "ok" if cache.get("health") == "ok" else "error"
    except Exception as exc:
        checks["cache"] = f"error: {exc.__class__.__name__}"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", **checks}, status=200 if healthy else 503
    )


@staff_required
def tenant_list(request: HttpRequest) -> HttpResponse:
    tenants = list(selectors.customer_tenants())
    health = sync_health(t.schema_name for t in tenants)
    for tenant in tenants:
        tenant.sync = health.get(tenant.schema_name)  # type: ignore[attr-defined]
    return render(
        request,
        "tenancy/staff/tenant_list.html",
        {
            "tenants": tenants,
            "spares": selectors.spare_schema_count(),
            "failing": sum(1 for h in health.values() if h.is_failing),
        },
    )


@staff_required
def tenant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = get_object_or_404(Tenant.objects.exclude(kind=TenantKind.PLATFORM), pk=pk)
    return render(
        request,
        "tenancy/staff/tenant_detail.html",
        {
            "tenant": tenant,
            "events": tenant.events.all()[:50],
            "suspend_form": SuspendForm(),
            "sync": sync_health([tenant.schema_name]).get(tenant.schema_name),
        },
    )


# What each staff action did, said on the tenant's page.
DONE = {
    "suspend": gettext_lazy("Tenant suspended."),
    "reactivate": gettext_lazy("Tenant reactivated."),
    "retry": gettext_lazy("Provisioning started again."),
    "resend-invitation": gettext_lazy("Invitation sent again to the administrator."),
}


@staff_required
@require_POST
def tenant_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    tenant = get_object_or_404(Tenant.objects.exclude(kind=TenantKind.PLATFORM), pk=pk)
    user = cast(User, request.user)  # staff_required let only signed-in staff through
    try:
        if action == "suspend":
            form = SuspendForm(request.POST)
            if not form.is_valid():
                raise services.TenantActionRefused(
                    "reason", _("Say why the tenant is suspended."), status=400
                )
            services.suspend_tenant(tenant, by=user, reason=form.cleaned_data["reason"])
        elif action == "reactivate":
            services.reactivate_tenant(tenant, by=user)
        elif action == "retry":
            services.retry_provisioning(tenant, by=user)
        elif action == "resend-invitation":
            services.resend_invitation(tenant, by=user)
        else:
            return HttpResponse(_("Unknown action."), status=404)
    except services.TenantActionRefused as refused:
        messages.error(request, refused.reason)
    else:
        messages.success(request, str(DONE[action]))
    return redirect("tenancy:tenant_detail", pk=tenant.pk)


def unknown_host(request: HttpRequest) -> HttpResponse:
    """Answer for a host name that no tenant owns (set as DEFAULT_NOT_FOUND_TENANT_VIEW)."""
    # Runs before LocaleMiddleware: pick the language here.
    with translation.override(translation.get_language_from_request(request)):
        body = render_to_string(
            "tenancy/unknown_host.html",
            {
                "host": request.get_host().split(":")[0],
                "public_url": public_url("/"),
                "accessibility_url": public_url("/accessibility/"),
            },
        )
    return HttpResponse(body, status=404)
