"""Demo data: one GHT with three establishments and one single hospital, each with an administrator.

The numbers are shaped like real FINESS numbers (valid keys) but the demo names are marked as such.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django_tenants.utils import tenant_context

from saas.tenancy.models import Tenant, TenantKind, TenantStatus
from saas.tenancy.provisioning import provision_tenant, schema_name_for
from saas.tenancy.services import ensure_public_tenant
from saas.tenancy.urls_helpers import host_url, public_url, tenant_host
from tenants.accounts.models import User
from tenants.structure.models import Establishment

DEMO_PASSWORD = "demo-plan-2026"
STAFF_EMAIL = "staff@platform.localhost"


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
        kind=TenantKind.GHT,
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
        kind=TenantKind.HOSPITAL,
        finess="600000103",
        admin_email="admin@ch-compiegne.localhost",
        establishments=(("CH de Compiègne (démo)", "600000111", "Compiègne"),),
    ),
)


def load_demo() -> list[str]:
    """Create what is missing of the demo; returns what was done, line by line."""
    done: list[str] = []
    ensure_public_tenant()
    if not User.objects.filter(email=STAFF_EMAIL).exists():
        User.objects.create_superuser(STAFF_EMAIL, DEMO_PASSWORD, full_name="Platform staff")
        done.append(f"platform staff {STAFF_EMAIL}")
    for demo in DEMO_TENANTS:
        schema_name = schema_name_for(demo.subdomain)
        if Tenant.objects.filter(schema_name=schema_name, status=TenantStatus.ACTIVE).exists():
            continue
        with transaction.atomic():
            tenant, _ = Tenant.objects.update_or_create(
                schema_name=schema_name,
                defaults={
                    "name": demo.name,
                    "kind": demo.kind,
                    "finess": demo.finess,
                    "contact_email": demo.admin_email,
                    "status": TenantStatus.PROVISIONING,
                },
            )
        result = provision_tenant(tenant.pk, subdomain=demo.subdomain, admin_email=demo.admin_email)
        with tenant_context(result.tenant):
            admin = User.objects.get(pk=result.administrator.pk)
            admin.full_name = "Administrateur démo"
            admin.set_password(DEMO_PASSWORD)
            admin.save()
            for name, finess, city in demo.establishments:
                Establishment.objects.get_or_create(
                    finess=finess,
                    defaults={
                        "name": name,
                        "city": city,
                        "legal_entity_name": demo.name,
                        "legal_entity_finess": demo.finess,
                    },
                )
        done.append(f"tenant {demo.name} at {tenant_host(demo.subdomain)}")
    return done


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
    lines += [
        f"  Health: {public_url('/health/')}",
        f"E-mails (sign-up confirmations, invitations) are written to {settings.EMAIL_FILE_PATH}/",
        "Stop with Ctrl-C.",
        "",
    ]
    print("\n".join(lines), flush=True)
