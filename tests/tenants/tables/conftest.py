"""The list-page framework's fixtures: the inventory page's devices, a person who may see
them and their signed-in client."""

from datetime import date
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from tenants.access.models import Role, ScopeKind
from tenants.access.services import grant_role
from tenants.inventory.models import Device
from tests.conftest import client_for, host_of
from tests.tenants.inventory.factories import structure


@pytest.fixture
def devices(tenant):
    with tenant_context(tenant):
        units = structure()
        rows = [
            ("A-001", units[0], "Philips", "MX450", date(2015, 1, 2), "6540.50", "in_service"),
            ("A-002", units[1], "Dräger", "Evita V500", date(2019, 6, 30), "38000", "retired"),
            ("A-003", units[2], "B. Braun", "Perfusor Space", None, None, "in_service"),
            ("A-004", units[0], "Philips", "MP50", date(2011, 12, 1), "1200.10", "retired"),
        ]
        return [
            Device.objects.create(
                inventory_number=n,
                uf=uf,
                manufacturer_name=m,
                model_name=model,
                commissioning_date=d,
                purchase_value=Decimal(v) if v else None,
                status=s,
                serial_number=f"SN-{n}",
            )
            for n, uf, m, model, d, v, s in rows
        ]


@pytest.fixture
def person(tenant, make_user):
    """A person who may see the inventory (a viewer of the whole tenant)."""
    viewer = make_user(tenant)
    with tenant_context(tenant):
        grant_role(viewer, Role.VIEWER, ScopeKind.TENANT, by="test")
    return viewer


@pytest.fixture
def client(tenant, person):
    return client_for(host_of(tenant), person, tenant)
