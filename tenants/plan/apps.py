"""The equipment plan: what the commission granted, line by line."""

from django.apps import AppConfig


class PlanConfig(AppConfig):
    name = "tenants.plan"
    label = "plan"
    verbose_name = "Equipment plan"
