"""Tenant API v1: what the tenant's applications and scripts call with a user's credentials."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from api.tenant.v1.serializers import MeSerializer
from saas.tenancy.context import current_tenant


# Described for the OpenAPI schema (check --deploy runs drf-spectacular's check, which warns
# on a function view it cannot guess).
@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request: Request) -> Response:
    """The authenticated user and the tenant they belong to."""
    return Response(MeSerializer({"user": request.user, "tenant": current_tenant()}).data)
