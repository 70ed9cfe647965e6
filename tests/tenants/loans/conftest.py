"""A device of the réanimation UF of the request chain (tests/tenants/conftest.py), lent to a
block UF; a requester of each UF and one of a third UF that no loan touches."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.access.models import Role, RoleGrant, ScopeKind
from tenants.inventory.models import Device
from tenants.loans import services
from tenants.loans.models import Loan
from tenants.structure.models import FunctionalUnit, Pole, Service


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def lending(chain, tenant, make_user):  # type: ignore[no-untyped-def]
    """The chain with a device, two more UF and their requesters."""
    bloc_user = make_user(tenant, full_name="bloc")
    outsider = make_user(tenant, full_name="outsider")
    with tenant_context(tenant):
        other = Pole.objects.get(code="P2")
        service = Service.objects.create(pole=other, code="S2", name="Bloc")
        bloc = FunctionalUnit.objects.create(service=service, code="2201", name="Bloc")
        far = FunctionalUnit.objects.create(service=service, code="2202", name="Consultations")
        RoleGrant.objects.create(user=bloc_user, role=Role.REQUESTER, scope=ScopeKind.UF, uf=bloc)
        RoleGrant.objects.create(user=outsider, role=Role.REQUESTER, scope=ScopeKind.UF, uf=far)
        device = Device.objects.create(
            inventory_number="INV-LOAN-1",
            uf=chain["rea"],
            manufacturer_name="Maquet",
            model_name="Servo-u",
        )
        chain["users"]["bloc"] = bloc_user
        chain["users"]["outsider"] = outsider
        yield {**chain, "bloc": bloc, "far": far, "device": device}


def lend(setup, *, by=None, start: int = 0, due: int = 7, **extra) -> Loan:  # type: ignore[no-untyped-def]
    """A loan of the setup's device from réanimation to the block."""
    fields = {
        "device": setup["device"],
        "borrowing_uf": setup["bloc"],
        "starts_on": days(start),
        "due_on": days(due),
        **extra,
    }
    return services.record_loan(services.LoanInput(**fields), by=by or setup["users"]["requester"])
