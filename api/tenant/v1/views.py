"""Tenant API v1: what the tenant's applications and scripts call with a user's credentials."""

from __future__ import annotations

from django.db import connection
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response


@api_view(["GET"])
def me(request: Request) -> Response:
    """The authenticated user and the tenant they belong to."""
    return Response(
        {
            "email": request.user.email,
            "full_name": request.user.full_name,
            "tenant": {"name": connection.tenant.name, "kind": connection.tenant.kind},
        }
    )
