"""Roles granted on scopes, and the one function that answers "may this user do this here"."""

from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "tenants.access"
    label = "access"
    verbose_name = "Access"
