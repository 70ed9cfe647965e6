"""Two people lending one device for crossing dates at the same moment, on two connections."""

from __future__ import annotations

import threading
import time

from django.db import connection, transaction
from django_tenants.utils import tenant_context

from saas.tenancy.models import Tenant
from tenants.access.models import Role, RoleGrant, ScopeKind
from tenants.inventory.models import Device
from tenants.loans import services
from tenants.loans.models import Loan
from tenants.structure.models import FunctionalUnit, Pole, Service
from tests.tenants.conftest import build_chain
from tests.tenants.loans.conftest import days


def test_two_loans_of_one_device_at_once_cannot_both_be_recorded(
    django_db_setup, live_db, make_user
):
    alpha = Tenant.objects.get(schema_name="t_alpha")
    with tenant_context(alpha):
        chain = build_chain(alpha, make_user)
        bloc_user = make_user(alpha)
        service = Service.objects.create(pole=Pole.objects.get(code="P2"), code="S2", name="Bloc")
        bloc = FunctionalUnit.objects.create(service=service, code="2201", name="Bloc")
        RoleGrant.objects.create(user=bloc_user, role=Role.REQUESTER, scope=ScopeKind.UF, uf=bloc)
        device = Device.objects.create(inventory_number="INV-RACE", uf=chain["rea"])
    database = connection.settings_dict["NAME"]
    first_holds_lock = threading.Event()
    outcomes: dict[str, object] = {}

    def connect() -> None:
        connection.settings_dict["NAME"] = database
        connection.set_tenant(alpha)  # type: ignore[attr-defined]

    def loan(start: int, due: int) -> services.LoanInput:
        return services.LoanInput(
            device=device, borrowing_uf=bloc, starts_on=days(start), due_on=days(due)
        )

    def first() -> None:
        connect()
        try:
            with transaction.atomic():
                services.record_loan(loan(0, 10), by=chain["users"]["requester"])
                first_holds_lock.set()
                time.sleep(0.5)  # the second arrives while this one is not committed
            outcomes["first"] = "saved"
        finally:
            connection.close()

    def second() -> None:
        connect()
        first_holds_lock.wait(5)
        started = time.monotonic()
        try:
            services.record_loan(loan(5, 15), by=bloc_user)
            outcomes["second"] = "saved"
        except services.Refused as refused:
            outcomes["second"] = (refused.field, refused.status)
        finally:
            outcomes["waited"] = time.monotonic() - started
            connection.close()

    try:
        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
        assert outcomes["first"] == "saved"
        assert outcomes["second"] == ("starts_on", 409)
        assert outcomes["waited"] >= 0.3  # it waited for the device's lock
        with tenant_context(alpha):
            assert Loan.objects.filter(device=device).count() == 1
    finally:
        with tenant_context(alpha):
            from tenants.notifications.models import Notification

            Notification.objects.filter(recipient=bloc_user).delete()
            Loan.objects.filter(device=device).delete()
            device.delete()
            RoleGrant.objects.filter(user=bloc_user).delete()
            bloc_user.delete()
            bloc.delete()
            service.delete()
            chain["cleanup"]()
