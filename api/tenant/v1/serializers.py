"""Shapes of the tenant API v1, for its answers and for the OpenAPI schema."""

from __future__ import annotations

from rest_framework import serializers


class MeTenantSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.CharField()


# Reads {"user": ..., "tenant": ...}: the signed-in person (the tenant's own User, the only
# kind a tenant host authenticates) and the tenant of the host.
class MeSerializer(serializers.Serializer):
    email = serializers.EmailField(source="user.email")
    full_name = serializers.CharField(source="user.full_name")
    tenant = MeTenantSerializer()
