"""Two managers changing one plan line at the same moment, on two database connections."""

from __future__ import annotations

import threading
import time

from django.db import connection, transaction
from django_tenants.utils import tenant_context

from saas.tenancy.models import Tenant
from tenants.plan import services
from tenants.plan.models import PlanLine
from tests.tenants.conftest import build_chain
from tests.tenants.plan.conftest import grant


def test_two_people_changing_one_line_at_once_cannot_both_succeed(
    django_db_setup, live_db, make_user
):
    alpha = Tenant.objects.get(schema_name="t_alpha")
    with tenant_context(alpha):
        chain = build_chain(alpha, make_user)
    try:
        with tenant_context(alpha):
            u = chain["users"]
            line = grant(chain)
            line = services.assign_manager(line, u["expert"], by=u["dispatcher"])
            # An administrator may change what the manager changes: both saw version N.
            seen = line.version
        first_holds_lock = threading.Event()
        database = connection.settings_dict["NAME"]  # the test database
        outcomes: dict[str, object] = {}

        def connect() -> None:
            connection.settings_dict["NAME"] = database
            connection.set_tenant(alpha)  # type: ignore[attr-defined]

        def first() -> None:
            connect()
            try:
                with transaction.atomic():
                    services.update_line(
                        line,
                        {"public_note": "Livraison lundi"},
                        by=u["expert"],
                        expected_version=seen,
                    )
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
                services.update_line(
                    line,
                    {"public_note": "Livraison mardi"},
                    by=chain["admin"],
                    expected_version=seen,
                )
                outcomes["second"] = "saved"
            except services.Refused as refused:
                outcomes["second"] = (refused.field, refused.status)
            finally:
                outcomes["waited"] = time.monotonic() - started
                connection.close()

        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
        assert outcomes["first"] == "saved"
        assert outcomes["second"] == ("version", 409)
        assert outcomes["waited"] >= 0.3  # it waited for the first one's lock
        with tenant_context(alpha):
            assert PlanLine.objects.get(pk=line.pk).public_note == "Livraison lundi"
    finally:
        with tenant_context(alpha):
            chain["cleanup"]()
