"""Users: each hospital's users in its own schema, platform staff in the public schema."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tenants.accounts"
    label = "accounts"
    verbose_name = "Accounts"
