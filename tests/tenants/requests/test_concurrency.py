"""Two people deciding the same request at the same moment, on two database connections."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction
from django_tenants.utils import tenant_context

from saas.tenancy.models import Tenant
from tenants.campaigns.services import Refused
from tenants.plan.models import PlanLine
from tenants.requests import workflow
from tenants.requests.models import EquipmentRequest
from tests.tenants.conftest import build_chain


@pytest.mark.slow
def test_two_commission_members_granting_at_once_make_one_plan_line(
    django_db_setup, live_db, make_user
):
    alpha = Tenant.objects.get(schema_name="t_alpha")
    with tenant_context(alpha):
        chain = build_chain(alpha, make_user)
    try:
        with tenant_context(alpha):
            u = chain["users"]
            request = workflow.submit(chain["request"], by=u["requester"])
            request = workflow.give_pole_opinion(request, by=u["pole_head"], favourable=True)
            request = workflow.dispatch(request, by=u["dispatcher"], domain=chain["biomedical"])
            request = workflow.give_expert_opinion(request, by=u["expert"], favourable=True)
            request = workflow.validate(request, by=u["manager"])
            second_member = make_user(alpha, full_name="commission 2")
            from tenants.access.models import Role, RoleGrant, ScopeKind

            RoleGrant.objects.create(
                user=second_member, role=Role.COMMISSION, scope=ScopeKind.TENANT
            )
        first_holds_lock = threading.Event()
        database = connection.settings_dict["NAME"]  # the test database, not the configured one

        def connect() -> None:
            connection.settings_dict["NAME"] = database
            connection.set_tenant(alpha)  # type: ignore[attr-defined]

        outcomes: dict[str, object] = {}

        def first() -> None:
            connect()
            try:
                with transaction.atomic():
                    workflow.arbitrate(
                        request, by=u["commission"], decision="granted", granted_amount="30000"
                    )
                    first_holds_lock.set()
                    time.sleep(0.5)  # the second one arrives while this one is not committed
                outcomes["first"] = "granted"
            finally:
                connection.close()

        def second() -> None:
            connect()
            first_holds_lock.wait(5)
            started = time.monotonic()
            try:
                workflow.arbitrate(
                    request, by=second_member, decision="granted", granted_amount="25000"
                )
                outcomes["second"] = "granted"
            except Refused as refused:
                outcomes["second"] = refused.field
            finally:
                outcomes["waited"] = time.monotonic() - started
                connection.close()

        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
        assert outcomes["first"] == "granted"
        assert outcomes["second"] == "state"  # refused: no longer waiting for the commission
        assert outcomes["waited"] >= 0.3  # it did wait for the first one's lock
        with tenant_context(alpha):
            assert EquipmentRequest.objects.get(pk=request.pk).granted_amount == 30000
            assert PlanLine.objects.filter(request_id=request.pk).count() == 1
            second_member.delete()
    finally:
        with tenant_context(alpha):
            chain["cleanup"]()
