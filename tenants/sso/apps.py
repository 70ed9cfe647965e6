"""Single sign-on: each tenant's own OpenID Connect providers and claim-to-role mappings."""

from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "tenants.sso"
    label = "sso"
    verbose_name = "Single sign-on"
