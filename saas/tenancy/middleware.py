"""Host-name routing to tenants, with clear pages for unknown and suspended hosts."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import get_public_schema_name

from saas.tenancy.models import TenantStatus
from saas.tenancy.urls_helpers import public_url


class TenantMiddleware(TenantMainMiddleware):
    """Selects the tenant's schema from the host; refuses hosts of tenants that are not active."""

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        response: HttpResponse | None = super().process_request(request)
        if response is not None:
            return response
        tenant = request.tenant  # type: ignore[attr-defined]
        if tenant.schema_name == get_public_schema_name() or tenant.status == TenantStatus.ACTIVE:
            return None
        # Runs before LocaleMiddleware: pick the language here.
        with translation.override(translation.get_language_from_request(request)):
            return tenant_unavailable_response(request, tenant.name, tenant.status)


def tenant_unavailable_response(request: HttpRequest, name: str, status: str) -> HttpResponse:
    if status == TenantStatus.SUSPENDED:
        message = _("Access to %(name)s is suspended. Contact the platform team.") % {"name": name}
    else:
        message = _("%(name)s is not available yet.") % {"name": name}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "tenant_status": status}, status=403)
    body = render_to_string(
        "tenancy/tenant_unavailable.html",
        {
            "message": message,
            "tenant_status": status,
            "public_url": public_url("/"),
            # This host serves nothing while the tenant is unavailable: the public host's.
            "accessibility_url": public_url("/accessibility/"),
        },
        request=None,
    )
    return HttpResponse(body, status=403)
