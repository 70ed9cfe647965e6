"""Django project of the equipment-plan SaaS (named ``saas``: ``platform`` would shadow the stdlib)."""

from saas.celery import app as celery_app

__all__ = ["celery_app"]
