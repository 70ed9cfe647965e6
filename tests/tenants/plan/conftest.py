"""A granted request's plan line in the request chain of tests/tenants/conftest.py, with a
buyer and a finance officer of the whole tenant."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.access.models import Role, RoleGrant, ScopeKind
from tenants.plan.models import PlanLine
from tenants.requests import workflow


def grant(chain, amount: str = "25000") -> PlanLine:  # type: ignore[no-untyped-def]
    """Walk the chain's request to the commission's grant; its plan line."""
    u = chain["users"]
    request = workflow.submit(chain["request"], by=u["requester"])
    request = workflow.give_pole_opinion(request, by=u["pole_head"], favourable=True)
    request = workflow.dispatch(request, by=u["dispatcher"], domain=chain["biomedical"])
    request = workflow.give_expert_opinion(request, by=u["expert"], favourable=True)
    request = workflow.validate(request, by=u["manager"])
    workflow.arbitrate(request, by=u["commission"], decision="granted", granted_amount=amount)
    return PlanLine.objects.get(request=request)


@pytest.fixture
def line(chain, tenant, make_user) -> PlanLine:  # type: ignore[no-untyped-def]
    return plan_line_of(chain, tenant, make_user)


def plan_line_of(chain, tenant, make_user) -> PlanLine:  # type: ignore[no-untyped-def]
    """The chain's request granted, its plan line; a buyer and a finance officer join the chain."""
    for name, role in (("buyer", Role.BUYER), ("finance", Role.FINANCE)):
        person = make_user(tenant, full_name=name)
        with tenant_context(tenant):
            RoleGrant.objects.create(user=person, role=role, scope=ScopeKind.TENANT)
        chain["users"][name] = person
    with tenant_context(tenant):
        return grant(chain)
