"""Shared fixtures of the tenant tests: a user per role of the request chain, a campaign, a
signed-in client per role; a smaller hospital with two UF and their requesters."""

from __future__ import annotations

import datetime

import pytest
from django_tenants.utils import tenant_context

from tenants.access.models import ExpertiseDomain, Role, RoleGrant, ScopeKind
from tenants.campaigns.services import create_campaign
from tenants.requests.services import PartInput, save_draft
from tenants.structure.models import Establishment, FunctionalUnit, Pole, Service
from tests.conftest import client_for, host_of

TODAY = datetime.date(2026, 11, 24)  # inside the census of ``hospital``
ROLES = {
    "requester": (Role.REQUESTER, ScopeKind.UF),
    "pole_head": (Role.POLE_HEAD, ScopeKind.POLE),
    "dispatcher": (Role.DISPATCHER, ScopeKind.TENANT),
    "expert": (Role.EXPERT, ScopeKind.DOMAIN),
    "imaging_expert": (Role.EXPERT, ScopeKind.DOMAIN),
    "manager": (Role.MANAGEMENT, ScopeKind.TENANT),
    "commission": (Role.COMMISSION, ScopeKind.TENANT),
    "other_head": (Role.POLE_HEAD, ScopeKind.POLE),
}


@pytest.fixture
def chain(tenant, make_user):  # type: ignore[no-untyped-def]
    with tenant_context(tenant):
        yield build_chain(tenant, make_user)


def build_chain(tenant, make_user) -> dict:  # type: ignore[no-untyped-def]
    """Run inside the tenant's context; ``cleanup`` removes it all (for committed tests)."""
    users = {name: make_user(tenant, full_name=name) for name in ROLES}
    site = Establishment.objects.get()
    pole = Pole.objects.create(establishment=site, code="P1", name="Pôle réanimation")
    rea = FunctionalUnit.objects.create(
        service=Service.objects.create(pole=pole, code="S1", name="Réanimation"),
        code="1101",
        name="Réa",
    )
    other = Pole.objects.create(establishment=site, code="P2", name="Pôle bloc")
    biomedical, _ = ExpertiseDomain.objects.get_or_create(
        code="biomedical", defaults={"name": "Biomédical"}
    )
    imaging, _ = ExpertiseDomain.objects.get_or_create(
        code="imaging-test", defaults={"name": "Imagerie"}
    )
    targets = {
        ScopeKind.UF: {"uf": rea},
        ScopeKind.POLE: {"pole": pole},
        ScopeKind.TENANT: {},
    }
    for name, (role, scope) in ROLES.items():
        target = targets.get(scope, {})
        if name == "other_head":
            target = {"pole": other}
        if scope == ScopeKind.DOMAIN:
            target = {"domain": imaging if name == "imaging_expert" else biomedical}
        RoleGrant.objects.create(user=users[name], role=role, scope=scope, **target)
    admin = make_user(tenant)
    RoleGrant.objects.create(user=admin, role=Role.TENANT_ADMIN, scope=ScopeKind.TENANT)
    RoleGrant.objects.create(user=admin, role=Role.MANAGEMENT, scope=ScopeKind.TENANT)
    today = datetime.date.today()
    campaign = create_campaign(
        name="Recensement",
        nature="equipment",
        year=today.year + 1,
        opens=today - datetime.timedelta(days=1),
        closes=today + datetime.timedelta(days=30),
        establishments=[site],
        by=admin,
    )
    request = save_draft(
        by=users["requester"],
        campaign=campaign,
        uf=rea,
        title="Respirateur",
        parts=[PartInput("investment", 1, "30000")],
    )

    def cleanup() -> None:
        from tenants.notifications.models import Notification
        from tenants.plan.models import PlanLine
        from tenants.requests.models import EquipmentRequest

        PlanLine.objects.filter(campaign=campaign).delete()
        EquipmentRequest.objects.filter(campaign=campaign).delete()
        campaign.delete()
        everyone = [*users.values(), admin]
        Notification.objects.filter(recipient__in=everyone).delete()
        RoleGrant.objects.filter(user__in=everyone).delete()
        for user in everyone:
            user.delete()
        FunctionalUnit.objects.filter(pk=rea.pk).delete()
        Service.objects.filter(pole__in=[pole, other]).delete()
        Pole.objects.filter(pk__in=[pole.pk, other.pk]).delete()
        ExpertiseDomain.objects.filter(code="imaging-test").delete()

    return {
        "cleanup": cleanup,
        "users": users,
        "request": request,
        "campaign": campaign,
        "biomedical": biomedical,
        "imaging": imaging,
        "admin": admin,
        "rea": rea,
        "pole": pole,
        "site": site,
    }


@pytest.fixture
def web(tenant, chain):  # type: ignore[no-untyped-def]
    """A signed-in client per role (and the administrator)."""
    users = {**chain["users"], "admin": chain["admin"]}
    clients = {name: client_for(host_of(tenant), user, tenant) for name, user in users.items()}
    return clients


@pytest.fixture
def hospital(tenant, make_user):  # type: ignore[no-untyped-def]
    users = {name: make_user(tenant, full_name=name) for name in ("manager", "rea", "bloc")}
    with tenant_context(tenant):
        site = Establishment.objects.get()
        pole = Pole.objects.create(establishment=site, code="P1", name="Pôle réanimation")
        service = Service.objects.create(pole=pole, code="S1", name="Réanimation")
        rea = FunctionalUnit.objects.create(service=service, code="1101", name="Réa")
        other = Pole.objects.create(establishment=site, code="P2", name="Pôle bloc")
        bloc = FunctionalUnit.objects.create(
            service=Service.objects.create(pole=other, code="S2", name="Bloc"),
            code="2201",
            name="Bloc",
        )
        RoleGrant.objects.create(
            user=users["manager"], role=Role.MANAGEMENT, scope=ScopeKind.TENANT
        )
        RoleGrant.objects.create(user=users["rea"], role=Role.REQUESTER, scope=ScopeKind.UF, uf=rea)
        RoleGrant.objects.create(
            user=users["bloc"], role=Role.REQUESTER, scope=ScopeKind.UF, uf=bloc
        )
        campaign = create_campaign(
            name="Recensement 2027",
            nature="equipment",
            year=2027,
            opens=datetime.date(2026, 10, 1),
            closes=datetime.date(2026, 12, 15),
            establishments=[site],
            steps=["arbitration", "pole_opinion", "expertise"],
            by=users["manager"],
        )
        yield {"users": users, "campaign": campaign, "rea": rea, "bloc": bloc, "pole": pole}


def draft(hospital, user="rea", uf="rea", **changes):  # type: ignore[no-untyped-def]
    values = {
        "by": hospital["users"][user],
        "campaign": hospital["campaign"],
        "uf": hospital[uf],
        "title": "Respirateur de réanimation",
        "parts": [
            PartInput("investment", 2, "32 500,00"),
            PartInput("maintenance", 1, "4000"),
        ],
        "today": TODAY,
        **changes,
    }
    return save_draft(**values)
