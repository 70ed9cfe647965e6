"""Typed access to the tenant that django-tenants put on the database connection."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.db import connection

if TYPE_CHECKING:
    from saas.tenancy.models import Tenant


def current_tenant() -> Tenant:
    return cast("Tenant", cast(Any, connection).tenant)


def use_public_schema() -> None:
    cast(Any, connection).set_schema_to_public()
