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
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_safe
from django_tenants.utils import get_public_schema_name

# The day the statement was written; change it with its content.
ESTABLISHED = datetime.date(2026, 12, 1)

# The statement's « Contenus non accessibles », in the RGAA model's three parts; one entry a
# line, easy to update.
# Non-conformities: content known to fail a WCAG 2.1 AA criterion, or not checked against them.
NON_COMPLIANT: tuple[Promise, ...] = (
    _(
        "The spreadsheet exports of the lists (XLSX files) are not checked for accessibility; "
        "the same data can be read in the list pages."
    ),
    _(
        "The documentation page of the reference server's API (Swagger UI, for developers who "
        "connect other systems) is a third-party component: some of its colours lack contrast "
        "and some of its controls are nested in others."
    ),
)
# Content left inaccessible because making it so would be a disproportionate burden: none is
# claimed (the statement says so).
DISPROPORTIONATE_BURDEN: tuple[Promise, ...] = ()
# Content outside the obligation: third-party content, neither funded nor developed by the
# publisher and not under its control (décret no. 2019-768, article 3).
NOT_SUBJECT: tuple[Promise, ...] = (
    _(
        "Documents that users attach to requests (quotes, technical sheets...): third-party "
        "content, offered as it was uploaded, whose accessibility depends on its author."
    ),
    _(
        "The sign-in pages of a hospital's own identity provider (single sign-on) belong to that "
        "provider and are not covered by this statement."
    ),
)

# The axe-core release the browser suite runs: the one tests/browser/axe/package.json pins
# (tests/saas/test_accessibility.py checks that they agree).
AXE_CORE_VERSION = "4.14.1"

# The kinds of page the browser suite's accessibility walk checks (tests/browser/
# test_accessibility.py), as the statement's « Pages du site ayant fait l'objet de la
# vérification de conformité » lists them.
PAGES_CHECKED: tuple[Promise, ...] = (
    pgettext_lazy("pages checked", "Home page, on a hospital's host and on the public host"),
    pgettext_lazy("pages checked", "Lists (requests, campaigns, alerts, notifications)"),
    pgettext_lazy("pages checked", "Request form and request page"),
    pgettext_lazy("pages checked", "Commission's arbitration session"),
    pgettext_lazy("pages checked", "Equipment plan"),
    pgettext_lazy("pages checked", "Inventory and its imports"),
    pgettext_lazy("pages checked", "Structure (establishments, pôles, UFs) and its imports"),
    pgettext_lazy("pages checked", "Administration (users and roles, identity providers)"),
    pgettext_lazy("pages checked", "References (the hospital's copy of the reference server)"),
    pgettext_lazy("pages checked", "Curation of the reference server"),
    pgettext_lazy("pages checked", "Platform staff pages (tenants)"),
    pgettext_lazy("pages checked", "Sign-in, sign-up and password pages"),
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
            "non_compliant": NON_COMPLIANT,
            "disproportionate_burden": DISPROPORTIONATE_BURDEN,
            "not_subject": NOT_SUBJECT,
            "axe_core_version": AXE_CORE_VERSION,
            "pages_checked": PAGES_CHECKED,
            "defenseur_url": DEFENSEUR_DES_DROITS_URL,
            "defenseur_form_url": DEFENSEUR_DES_DROITS_FORM_URL,
            "defenseur_delegates_url": DEFENSEUR_DES_DROITS_DELEGATES_URL,
        },
    )
