"""Reading hospital exports, and import jobs run by Celery with visible progress."""

from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "tenants.imports"
    label = "imports"
    verbose_name = "Imports"
