"""Fixtures of the tenant API tests: the request chain and its plan line (shared with the
tenant tests, whose fixtures these are), and a JSON client per person."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from tenants.plan import services
from tenants.plan.models import PlanLine
from tests.conftest import client_for, host_of
from tests.tenants.conftest import chain  # noqa: F401 -- fixture
from tests.tenants.plan.conftest import line  # noqa: F401 -- fixture


class API:
    """A signed-in test client speaking JSON to the tenant API."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(f"/api/tenant/v1/{path}", params or {})

    def send(self, method: str, path: str, body: Any) -> Any:
        raw = body if isinstance(body, str | bytes) else json.dumps(body)
        return getattr(self.client, method)(
            f"/api/tenant/v1/{path}", raw, content_type="application/json"
        )

    def patch(self, path: str, body: Any) -> Any:
        return self.send("patch", path, body)

    def put(self, path: str, body: Any) -> Any:
        return self.send("put", path, body)


@pytest.fixture
def api(tenant, chain, line) -> dict[str, API]:  # type: ignore[no-untyped-def]  # noqa: F811
    """A client per person of the chain (with the line's buyer and finance officer)."""
    people = {**chain["users"], "admin": chain["admin"]}
    return {name: API(client_for(host_of(tenant), user, tenant)) for name, user in people.items()}


@pytest.fixture
def managed(tenant, chain, line) -> PlanLine:  # type: ignore[no-untyped-def]  # noqa: F811
    """The line, its manager named: the chain's expert."""
    u = chain["users"]
    with tenant_context(tenant):
        return services.assign_manager(line, u["expert"], by=u["dispatcher"])


def fresh(tenant, plan_line: PlanLine) -> PlanLine:  # type: ignore[no-untyped-def]
    with tenant_context(tenant):
        return PlanLine.objects.get(pk=plan_line.pk)
