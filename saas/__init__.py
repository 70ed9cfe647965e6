"""Django project of the equipment-plan SaaS (``platform`` would shadow the stdlib module)."""

from saas.celery import app as celery_app

__all__ = ["celery_app"]
