"""Single sign-on: each tenant's own OpenID Connect providers and claim-to-role mappings."""

from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "tenants.sso"
    label = "sso"
    verbose_name = "Single sign-on"

    def ready(self) -> None:
        from saas.audit.history import register_display
        from tenants.access.services import scope_value_label
        from tenants.sso.models import ClaimRoleMapping

        # A mapping's scope is stored as "pole:3": histories show the pôle's name.
        register_display(ClaimRoleMapping, "scope", scope_value_label)
