"""Demo data: a GHT with three establishments and a single hospital, each with an administrator."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

from django.db import transaction
from django_tenants.utils import get_public_schema_name, schema_context, tenant_context

from demo.people import (
    DEMO_PASSWORD,
    DEMO_TENANTS,
    OIDC_MAPPINGS,
    OIDC_TENANT,
    STAFF_EMAIL,
    DemoTenant,
    oidc_port,
)
from saas.tenancy.models import Tenant, TenantStatus
from saas.tenancy.provisioning import provision_tenant, schema_name_for
from saas.tenancy.services import ensure_public_tenant
from saas.tenancy.urls_helpers import tenant_host
from tenants.access.models import ExpertiseDomain
from tenants.accounts.models import User
from tenants.finance.models import FinanceOrderLine
from tenants.inventory.models import Device
from tenants.sso.models import ClaimRoleMapping, IdentityProvider
from tenants.structure.models import Establishment

DEMO_FILES = Path(__file__).resolve().parent / "files"
EMDN_PATH = (
    Path(__file__).resolve().parent.parent / "shared_reference/fixtures/CodeSystem-emdn.json"
)


def load_demo(only: Collection[str] = ()) -> list[str]:
    """Create what is missing of the demo; returns what was done, line by line.

    ``only``: the sub-domains of the demo tenants to create (all of them when empty).
    """
    demos = [demo for demo in DEMO_TENANTS if not only or demo.subdomain in only]
    done: list[str] = []
    ensure_public_tenant()
    if not User.objects.filter(email=STAFF_EMAIL).exists():
        User.objects.create_superuser(STAFF_EMAIL, DEMO_PASSWORD, full_name="Platform staff")
        done.append(f"platform staff {STAFF_EMAIL}")
    if load_reference_data():
        done.append("reference data: EMDN, demo device models and markets, two releases")
    for demo in demos:
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
    for demo in demos:
        # Also fills demo tenants created by an earlier version, before they had an inventory.
        with tenant_context(Tenant.objects.get(schema_name=schema_name_for(demo.subdomain))):
            if not Device.objects.exists():
                done += load_demo_inventory(demo.subdomain)
            if demo.subdomain == OIDC_TENANT:
                # The GHT's open census, with one person per role and requests at every step.
                from demo.campaign import load_demo_campaign

                done += load_demo_campaign(demo.subdomain)
                from demo.loans import load_demo_loans

                done += load_demo_loans()
                from demo.markets import load_demo_markets

                done += load_demo_markets()
                from demo.purchasing import load_demo_purchasing

                done += load_demo_purchasing(demo.subdomain)
                from demo.consumables import load_demo_consumables

                done += load_demo_consumables()
            # After the campaign: the orders meet the plan lines whose order numbers it typed.
            if not FinanceOrderLine.objects.exists():
                done += load_demo_finance(demo.subdomain)
    if any(demo.subdomain == OIDC_TENANT for demo in demos):
        configure_demo_identity_provider()
    done += link_demo_tenants(demos)
    return done


def link_demo_tenants(demos: Collection[DemoTenant] = DEMO_TENANTS) -> list[str]:
    """Subscribe the demo tenants to the reference server and queue their sync: the worker
    runs it once started (the models their devices use get subscribed then)."""
    from saas.reference_sync.linking import link_tenant
    from tenants.mirror.tasks import queue_sync

    done = []
    for demo in demos:
        tenant = Tenant.objects.get(schema_name=schema_name_for(demo.subdomain))
        link = link_tenant(tenant)
        if link.new_key:
            done.append(f"  {demo.subdomain}: linked to the reference server")
        if demo.subdomain == OIDC_TENANT:
            done += follow_demo_purchasing_bodies(tenant)
        queue_sync(tenant.schema_name)
    done += propose_demo_contribution()
    return done


# The purchasing bodies whose framework agreements the GHT buys on.
GHT_PURCHASING_BODIES = ("ugap", "resah")


def follow_demo_purchasing_bodies(tenant: Tenant) -> list[str]:
    """The GHT follows UGAP's and RESAH's markets (its first sync brings them)."""
    from saas.reference_sync.linking import follow_for_tenant
    from shared_reference.models import PurchasingBody

    bodies = PurchasingBody.objects.filter(code__in=GHT_PURCHASING_BODIES).order_by("code")
    new = follow_for_tenant(tenant, "purchasing_body", [str(b.uuid) for b in bodies])
    return [f"  {tenant.schema_name}: follows {', '.join(b.name for b in bodies)}"] if new else []


def propose_demo_contribution() -> list[str]:
    """A correction proposed by the GHT and waiting for the curators (once)."""
    from shared_reference.contributions import propose
    from shared_reference.models import Contribution, DeviceModel, Subscriber

    subscriber = Subscriber.objects.filter(tenant_schema=schema_name_for(OIDC_TENANT)).first()
    if subscriber is None or Contribution.objects.exists():
        return []
    model = DeviceModel.objects.filter(commercial_name="IntelliVue MP50").first()
    if model is None:
        return []
    propose(
        subscriber,
        kind=Contribution.Kind.CORRECTION,
        target_uuid=str(model.uuid),
        proposal={"end_of_support": "2026-12-31"},
        source="Courrier du fabricant au CHU Amiens-Picardie, mars 2026 (démo)",
    )
    return [f"  {OIDC_TENANT}: a correction of {model} proposed to the curators"]


def mirror_published_catalogue() -> int:
    """Copy the published codes, manufacturers and models into the current tenant's mirror.

    The demo's inventory import matches CMMS spellings against the mirror, so the demo fills
    it with the whole published catalogue first (through the function the sync applies pages
    with); the sync then subscribes to the models the devices use and follows their changes.
    """
    from shared_reference.models import PublishedEntity
    from tenants.mirror.services import apply_entity, apply_terms

    with schema_context(get_public_schema_name()):
        published = [
            (e.entity_type, str(e.entity_uuid), e.payload, e.seq)
            for e in PublishedEntity.objects.filter(
                entity_type__in=["manufacturer", "device_model", "nomenclature_term"],
                operation="upsert",
            ).order_by("entity_type", "seq")
        ]
    terms = [
        (u, payload, seq) for kind, u, payload, seq in published if kind == "nomenclature_term"
    ]
    order = {"manufacturer": 0, "device_model": 1}
    catalogue = sorted((e for e in published if e[0] in order), key=lambda e: order[e[0]])
    return apply_terms(terms) + sum(apply_entity(*entity) for entity in catalogue)


def load_demo_inventory(subdomain: str) -> list[str]:
    """The tenant's structure and CMMS export, imported from the files under demo/files."""
    from tenants.inventory.imports import import_inventory
    from tenants.structure.imports import import_structure

    done = [f"  mirror: {mirror_published_catalogue()} reference entities"]
    for kind, importer in (("structure", import_structure), ("inventory", import_inventory)):
        path = next(DEMO_FILES.glob(f"{subdomain}-{kind}.*"), None)
        if path is not None:
            report = importer(path.read_bytes(), path.name)
            record_demo_import(kind, path, report)
            done.append(f"  {path.name}: {report}")
    return done


def record_demo_import(kind: str, path: Path, report: Any) -> None:
    """The import's history shows the files the demo imported, with their reports."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from tenants.imports.models import ImportJob
    from tenants.imports.services import file_checksum

    data = path.read_bytes()
    job = ImportJob(
        kind=kind,
        filename=path.name,
        dry_run=False,
        state=ImportJob.State.DONE,
        report=report.as_dict(),
        checksum=file_checksum(data),
        language="fr",
        finished=timezone.now(),
    )
    job.file.save(path.name, ContentFile(data), save=False)
    job.save()


# The finance system's and the CMMS's exports (demo/make_files.py), in the order they depend
# on each other: work orders name devices, the controls compare assets with devices.
FINANCE_EXPORTS = ("finance_orders", "finance_assets", "finance_invoices", "work_orders")


def load_demo_finance(subdomain: str) -> list[str]:
    """The tenant's finance and CMMS exports, imported as an import job would (all or none)."""
    from tenants.imports.registry import importer_for

    done = []
    with transaction.atomic():
        for kind in FINANCE_EXPORTS:
            path = DEMO_FILES / f"{subdomain}-{kind}.csv"
            if path.exists():
                report = importer_for(kind).run(path.read_bytes(), path.name)
                record_demo_import(kind, path, report)
                done.append(f"  {path.name}: {report}")
    # Now rather than by a worker: the demo opens on the controls' findings.
    from tenants.controls.engine import run_checks

    checked = run_checks(trigger="demo")
    done.append(f"  controls: {checked.opened} findings opened")
    return done


def demo_api_key() -> str:
    """A fresh key of the demo's on-premises subscriber (older ones revoked): shown at start."""
    from shared_reference.models import Subscriber, SubscriberAPIKey

    subscriber, _ = Subscriber.objects.get_or_create(
        name="Installation sur site (démo)", defaults={"mirrors_everything": True}
    )
    SubscriberAPIKey.objects.filter(subscriber=subscriber, revoked=False).update(revoked=True)
    _key, secret = SubscriberAPIKey.objects.create_key(name="demo", subscriber=subscriber)
    return str(secret)


def load_reference_data() -> bool:
    """The real EMDN on the reference server, published, unless it is there already."""
    from demo.catalogue import load_demo_catalogue
    from shared_reference.fhir import parse_codesystem
    from shared_reference.french_labels import load_product_labels
    from shared_reference.models import NomenclatureSystem
    from shared_reference.services import import_codesystem, publish_release

    if NomenclatureSystem.objects.filter(code="emdn").exists():
        return False
    report = import_codesystem(parse_codesystem(EMDN_PATH.read_bytes()))
    # The product's French labels of the categories and groups, until curators confirm them.
    load_product_labels(report.system, by=STAFF_EMAIL)
    publish_release(notes="EMDN (HL7 Europe eHDSI package 0.2.0)", by=STAFF_EMAIL)
    load_demo_catalogue()
    publish_release(
        notes="Catalogue de démonstration : modèles, marchés, avis de sécurité", by=STAFF_EMAIL
    )
    return True


def configure_demo_identity_provider() -> None:
    """Point the GHT's provider at the local oidc-provider-mock (its port may change)."""
    tenant = Tenant.objects.get(schema_name=schema_name_for(OIDC_TENANT))
    with tenant_context(tenant):
        provider, _ = IdentityProvider.objects.get_or_create(
            slug="keycloak",
            defaults={"name": "Keycloak du GHT (démo)", "client_id": OIDC_TENANT},
        )
        provider.discovery_url = f"http://localhost:{oidc_port()}/.well-known/openid-configuration"
        provider.client_secret = "demo-secret"
        provider.save()
        for value, role, scope in OIDC_MAPPINGS:
            if scope.startswith("domain:"):
                domain = ExpertiseDomain.objects.get(code=scope.split(":", 1)[1])
                scope = f"domain:{domain.pk}"
            ClaimRoleMapping.objects.get_or_create(
                provider=provider, claim_path="groups", value=value, role=role, scope=scope
            )
