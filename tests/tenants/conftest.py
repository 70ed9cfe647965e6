"""Shared fixtures of the tenant tests: a user per role of the request chain, a campaign."""

from __future__ import annotations

import datetime

import pytest
from django_tenants.utils import tenant_context

from tenants.access.models import ExpertiseDomain, Role, RoleGrant, ScopeKind
from tenants.campaigns.services import PartInput, create_campaign, save_draft
from tenants.structure.models import Establishment, FunctionalUnit, Pole, Service

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
        from tenants.campaigns.models import EquipmentRequest
        from tenants.notifications.models import Notification
        from tenants.plan.models import PlanLine

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
