"""Tenant API v1: what the tenant's applications and scripts call with a user's credentials."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from saas.tenancy.context import current_tenant

# Described for the OpenAPI schema (check --deploy runs drf-spectacular's check, which warns
# on a function view it cannot guess).
ME = inline_serializer(
    "Me",
    {
        "email": serializers.EmailField(),
        "full_name": serializers.CharField(),
        "tenant": inline_serializer(
            "MeTenant", {"name": serializers.CharField(), "kind": serializers.CharField()}
        ),
    },
)


@extend_schema(responses=ME)
@api_view(["GET"])
def me(request: Request) -> Response:
    """The authenticated user and the tenant they belong to."""
    user = request.user
    tenant = current_tenant()
    return Response(
        {
            "email": getattr(user, "email", ""),
            "full_name": getattr(user, "full_name", ""),
            "tenant": {"name": tenant.name, "kind": tenant.kind},
        }
    )
