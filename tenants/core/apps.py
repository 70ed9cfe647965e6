"""A tenant's home page and shared pieces of its interface."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tenants.core"
    label = "core"
    verbose_name = "Core"
