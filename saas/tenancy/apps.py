"""Tenant registry, sign-up, provisioning and platform staff pages."""

from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "saas.tenancy"
    label = "tenancy"
    verbose_name = "Tenancy"
