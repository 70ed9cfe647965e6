"""The managed list's row edit tried as an attacker would: another tenant's line, other roles,
a step of another nature, a ``next`` leading off the site (never a 500, never a change)."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.access.models import Role, RoleGrant, ScopeKind
from tenants.plan.models import PlanLine, StepDefinition
from tests.conftest import client_for, host_of
from tests.tenants.plan.test_row_edit import HTMX, managed, row_post, steps, version  # noqa: F401


def test_another_tenants_line_is_not_found(tenant, other_tenant, managed, make_user):  # noqa: F811
    (need,) = steps(tenant, "need")
    stranger = make_user(other_tenant)
    with tenant_context(other_tenant):
        RoleGrant.objects.create(user=stranger, role=Role.TENANT_ADMIN, scope=ScopeKind.TENANT)
        RoleGrant.objects.create(user=stranger, role=Role.EXPERT, scope=ScopeKind.TENANT)
    client = client_for(host_of(other_tenant), stranger, other_tenant)
    with tenant_context(other_tenant):
        theirs = PlanLine.objects.filter(pk=managed.pk).exists()
    response = row_post(client, managed, need.pk, "done", managed.version)
    # The same id may be one of their own lines: never this tenant's.
    assert theirs or response.status_code == 404
    assert version(tenant, managed) == managed.version


@pytest.mark.parametrize("who", ["pole_head", "other_head", "commission", "manager", "dispatcher"])
def test_other_roles_change_no_step_in_a_row(web, tenant, chain, managed, who):  # noqa: F811
    (need,) = steps(tenant, "need")
    client = web.get(who) or client_for(host_of(tenant), chain["users"][who], tenant)
    response = row_post(client, managed, need.pk, "done", managed.version)
    assert response.status_code in (403, 404), (who, response.status_code)
    assert version(tenant, managed) == managed.version


def test_a_step_of_another_nature_or_unknown_is_refused(web, tenant, managed):  # noqa: F811
    with tenant_context(tenant):
        foreign = StepDefinition.objects.exclude(nature="equipment").first()
    for step in [foreign.pk if foreign else 0, 0, -1, 10**12, "abc", "\x00"]:
        response = row_post(web["expert"], managed, step, "done", managed.version)
        assert response.status_code == 400, (step, response.status_code)
    assert version(tenant, managed) == managed.version


@pytest.mark.parametrize(
    "back", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_next_never_leads_off_the_site(web, tenant, managed, back):  # noqa: F811
    (need,) = steps(tenant, "need")
    response = web["expert"].post(
        f"/plan/lines/{managed.pk}/act/",
        {
            "action": "step",
            "step": need.pk,
            "version": managed.version,
            f"step-{need.pk}-status": "done",
            "next": back,
        },
    )
    assert response.status_code == 302
    assert "evil" not in response["Location"] and "javascript" not in response["Location"]
    html = row_post(web["expert"], managed, need.pk, "in_progress", managed.version + 1, next=back)
    assert "evil.example" not in html.content.decode()
    assert "javascript:" not in html.content.decode()
    with tenant_context(tenant):
        assert PlanLine.objects.get(pk=managed.pk).version >= managed.version
