"""Roles granted on scopes, and the one function that answers "may this user do this here"."""

from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "tenants.access"
    label = "access"
    verbose_name = "Access"

    def ready(self) -> None:
        from tenants.access.suggestions import is_administrator, scopes, users
        from tenants.core.suggest import register_source

        register_source("user", users, can_use=is_administrator)
        register_source("scope", scopes, can_use=is_administrator)
