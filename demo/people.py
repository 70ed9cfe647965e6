"""What the demo contains (no Django models here: the runner prints it without setting Django up).

The numbers are shaped like real FINESS numbers (valid keys) but the demo names are marked as such.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.conf import settings

from saas.tenancy.urls_helpers import host_url, public_url, tenant_host

DEMO_PASSWORD = "demo-plan-2026"
# The GHT signs in through an identity provider (oidc-provider-mock, started by dev.py start);
# the single hospital with passwords.
OIDC_TENANT = "ght-somme"
OIDC_USERS = (
    {
        "sub": "marie.curie",
        "email": "marie.curie@ght-somme.localhost",
        "name": "Marie Curie",
        "groups": ["biomedical-engineers"],
    },
    {
        "sub": "louis.pasteur",
        "email": "louis.pasteur@ght-somme.localhost",
        "name": "Louis Pasteur",
        "groups": ["cadres-de-sante"],
    },
    {
        "sub": "simone.veil",
        "email": "simone.veil@ght-somme.localhost",
        "name": "Simone Veil",
        "groups": ["direction", "admins"],
    },
)
# claim value -> (role, scope: "tenant" or "domain:<code>")
OIDC_MAPPINGS = (
    ("biomedical-engineers", "expert", "domain:biomedical"),
    ("cadres-de-sante", "requester", "tenant"),
    ("direction", "management", "tenant"),
    ("admins", "tenant_admin", "tenant"),
)


def oidc_port() -> int:
    return int(os.environ.get("DEMO_OIDC_PORT", "8001"))


STAFF_EMAIL = "staff@platform.localhost"
# The GHT's census (demo/campaign.py): one person per role, signing in with the password.
# e-mail (before @), full name, role, scope kind, scope (a pôle code at the CHU, a domain code)
CAMPAIGN_PEOPLE = (
    ("cadre.chu", "Claire Cadre (demandeuse)", "requester", "establishment", ""),
    ("chef.medecine", "Dr Paul Médecine (chef de pôle)", "pole_head", "pole", "P01"),
    ("chef.urgences", "Dr Ursule Urgences (cheffe de pôle)", "pole_head", "pole", "P03"),
    ("aiguilleur", "Alain Aiguilleur (dispatch)", "dispatcher", "tenant", ""),
    ("biomed", "Bérénice Biomed (experte)", "expert", "domain", "biomedical"),
    ("informatique", "Igor Info (expert)", "expert", "domain", "it"),
    ("direction", "Diane Direction (direction)", "management", "tenant", ""),
    ("commission", "Colette Commission (commission)", "commission", "tenant", ""),
)

# The GHT's buyer (demo/purchasing.py): records off-contract exceptions, sends and orders
# purchase requests, imports the catalogue.
BUYER = "achats"


@dataclass(frozen=True)
class DemoTenant:
    subdomain: str
    name: str
    kind: str
    finess: str
    admin_email: str
    establishments: tuple[tuple[str, str, str], ...]  # name, FINESS, city


DEMO_TENANTS = (
    DemoTenant(
        subdomain="ght-somme",
        name="GHT Somme Littoral (démo)",
        kind="ght",
        finess="800000044",
        admin_email="admin@ght-somme.localhost",
        establishments=(
            ("CHU Amiens-Picardie (démo)", "800000259", "Amiens"),
            ("CH d'Abbeville (démo)", "800000051", "Abbeville"),
            ("CH de Doullens (démo)", "800000077", "Doullens"),
        ),
    ),
    DemoTenant(
        subdomain="ch-compiegne",
        name="CH de Compiègne (démo)",
        kind="hospital",
        finess="600000103",
        admin_email="admin@ch-compiegne.localhost",
        establishments=(("CH de Compiègne (démo)", "600000111", "Compiègne"),),
    ),
)


def print_welcome(port: int) -> None:
    del port  # the URLs already carry PUBLIC_URL_PORT
    lines = [
        "",
        "The product is running (web, worker, beat). Open:",
        f"  Public host (sign-up, staff pages): {public_url('/')}",
        f"    platform staff: {STAFF_EMAIL} / {DEMO_PASSWORD}",
    ]
    for demo in DEMO_TENANTS:
        lines += [
            f"  {demo.name}: {host_url(tenant_host(demo.subdomain), '/')}",
            f"    administrator: {demo.admin_email} / {DEMO_PASSWORD}",
        ]
        if demo.subdomain == OIDC_TENANT:
            people = ", ".join(f"{key}@{demo.subdomain}.localhost" for key, *_ in CAMPAIGN_PEOPLE)
            lines.append(f"    one person per role of the census (same password): {people}")
            subs = ", ".join(str(u["sub"]) for u in OIDC_USERS)
            lines.append(
                f"    or 'Keycloak du GHT (démo)' on the login page, as one of: {subs}"
                f" (identity provider at http://localhost:{oidc_port()}/)"
            )
    lines += [
        f"  Health: {public_url('/health/')}",
        f"E-mails (sign-up confirmations, invitations) are written to {settings.EMAIL_FILE_PATH}/",
        "Stop with Ctrl-C.",
        "",
    ]
    print("\n".join(lines), flush=True)
