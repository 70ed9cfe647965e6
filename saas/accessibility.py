"""The accessibility statement (« Déclaration d'accessibilité ») that the RGAA asks every public
service to publish, served on the public host and on each tenant's host.

Its conformity status lives in one template, saas/templates/accessibility/_status.html, shown
by the statement and by the footer link of every page (the RGAA wants the status in that link).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from django_tenants.utils import get_public_schema_name

# The day the statement was written; change it with its content.
ESTABLISHED = datetime.date(2026, 12, 1)

# Content known not to be accessible, or not checked: one entry a line, easy to update.
NOT_ACCESSIBLE: tuple[Promise, ...] = (
    _(
        "The spreadsheet exports of the lists (XLSX files) are not checked for accessibility; "
        "the same data can be read in the list pages."
    ),
    _(
        "Documents that users attach to requests (quotes, technical sheets...) are offered as "
        "they were uploaded: their accessibility depends on their author and is not checked."
    ),
    _(
        "The documentation page of the reference server's API (Swagger UI, for developers who "
        "connect other systems) is a third-party component: some of its colours lack contrast "
        "and some of its controls are nested in others."
    ),
    _(
        "The sign-in pages of a hospital's own identity provider (single sign-on) belong to that "
        "provider and are not covered by this statement."
    ),
)

# Where the statement's « Voies de recours » send people: the official addresses, as text and
# plain links (no resource of theirs is loaded).
DEFENSEUR_DES_DROITS_URL = "https://www.defenseurdesdroits.fr/"
DEFENSEUR_DES_DROITS_FORM_URL = "https://formulaire.defenseurdesdroits.fr/"
DEFENSEUR_DES_DROITS_DELEGATES_URL = "https://www.defenseurdesdroits.fr/saisir/delegues"


@dataclass(frozen=True)
class Publisher:
    """Who publishes the service on this host, and where to write to them."""

    name: str
    contact_email: str
    is_tenant: bool


def publisher_of(request: HttpRequest) -> Publisher:
    """The tenant on its own host (its contact e-mail, or the platform's when it has none);
    the platform on the public host."""
    tenant = getattr(request, "tenant", None)
    if tenant is not None and tenant.schema_name != get_public_schema_name():
        return Publisher(
            name=tenant.name,
            contact_email=tenant.contact_email or settings.PLATFORM_CONTACT_EMAIL,
            is_tenant=True,
        )
    return Publisher(
        name=str(_("Equipment plan")),
        contact_email=settings.PLATFORM_CONTACT_EMAIL,
        is_tenant=False,
    )


@require_safe
def statement(request: HttpRequest) -> HttpResponse:
    publisher = publisher_of(request)
    return render(
        request,
        "accessibility/statement.html",
        {
            # A tenant's pages carry its menu; the public host's pages, the platform's.
            "base_template": "core/tenant_base.html" if publisher.is_tenant else "base.html",
            "publisher": publisher,
            "host": request.get_host().split(":")[0],
            "established": ESTABLISHED,
            "not_accessible": NOT_ACCESSIBLE,
            "defenseur_url": DEFENSEUR_DES_DROITS_URL,
            "defenseur_form_url": DEFENSEUR_DES_DROITS_FORM_URL,
            "defenseur_delegates_url": DEFENSEUR_DES_DROITS_DELEGATES_URL,
        },
    )
