"""One person per role, a second legal entity, and helpers making local and central markets."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.access.models import ExpertiseDomain, Role, RoleGrant, ScopeKind
from tenants.markets import services
from tenants.markets.models import Market, Origin, PurchasingBody
from tenants.structure.models import Establishment, FunctionalUnit, Pole, Service
from tests.conftest import client_for, host_of

ROLES = {
    "buyer": Role.BUYER,
    "expert": Role.EXPERT,
    "dispatcher": Role.DISPATCHER,
    "manager": Role.MANAGEMENT,
    "finance": Role.FINANCE,
    "commission": Role.COMMISSION,
    "viewer": Role.VIEWER,
    "admin": Role.TENANT_ADMIN,
    "requester": Role.REQUESTER,
    "pole_head": Role.POLE_HEAD,
}
SEES = {"buyer", "expert", "dispatcher", "manager", "finance", "commission", "viewer", "admin"}
MANAGES = {"buyer", "admin"}
SECOND_ENTITY = "800000069"


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def people(tenant, make_user):  # type: ignore[no-untyped-def]
    """A person per role (the requester and head of pôle on a UF and a pôle, the expert on a
    domain, the others tenant-wide), a UF, and a second legal entity of the GHT."""
    users = {name: make_user(tenant, full_name=f"{name.title()} Person") for name in ROLES}
    with tenant_context(tenant):
        site = Establishment.objects.get()
        Establishment.objects.create(
            name="CH Beta",
            finess="800000085",
            legal_entity_name="CH Beta",
            legal_entity_finess=SECOND_ENTITY,
        )
        pole = Pole.objects.create(establishment=site, code="P1", name="Pôle")
        service = Service.objects.create(pole=pole, code="S1", name="Service")
        uf = FunctionalUnit.objects.create(service=service, code="1101", name="Réa")
        domain, _ = ExpertiseDomain.objects.get_or_create(
            code="biomedical", defaults={"name": "Biomédical"}
        )
        for name, role in ROLES.items():
            target: dict[str, Any] = {"scope": ScopeKind.TENANT}
            if role == Role.REQUESTER:
                target = {"scope": ScopeKind.UF, "uf": uf}
            elif role == Role.POLE_HEAD:
                target = {"scope": ScopeKind.POLE, "pole": pole}
            elif role == Role.EXPERT:
                target = {"scope": ScopeKind.DOMAIN, "domain": domain}
            RoleGrant.objects.create(user=users[name], role=role, **target)
        yield {"users": users, "uf": uf, "site": site}


def clients(tenant, people) -> dict:  # type: ignore[no-untyped-def]
    return {
        name: client_for(host_of(tenant), user, tenant) for name, user in people["users"].items()
    }


def local(people, **fields: Any) -> Market:  # type: ignore[no-untyped-def]
    data = {
        "reference": f"LOC-{uuid.uuid4().hex[:6]}",
        "title": "Maintenance des pousse-seringues",
        "procedure": "adapted",
        "starts": today(),
        "duration_months": 12,
        **fields,
    }
    return services.create_market(data, by=people["users"]["buyer"])


def central(**fields: Any) -> Market:
    body, _ = PurchasingBody.objects.get_or_create(
        code="ugap", defaults={"central_uuid": uuid.uuid4(), "name": "UGAP"}
    )
    values = {
        "origin": Origin.CENTRAL,
        "central_uuid": uuid.uuid4(),
        "purchasing_body": body,
        "reference": f"CEN-{uuid.uuid4().hex[:6]}",
        "title": "Accord-cadre central",
        "starts": today() - datetime.timedelta(days=400),
        "ends": today() + datetime.timedelta(days=800),
        **fields,
    }
    return Market.objects.create(**values)


@pytest.fixture
def tenant_context_people(tenant, people):  # type: ignore[no-untyped-def]
    """``people``, the test running inside the tenant's schema."""
    with tenant_context(tenant):
        yield people
