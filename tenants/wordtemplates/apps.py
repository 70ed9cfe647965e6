"""Word templates of the documents the product produces (a purchase request form, an order
letter...): the kinds other apps register, each tenant's own versions, rendering to DOCX and PDF."""

from typing import Any

from django.apps import AppConfig


class WordTemplatesConfig(AppConfig):
    name = "tenants.wordtemplates"
    label = "wordtemplates"
    verbose_name = "Word templates"

    def ready(self) -> None:
        from celery import signals

        # Documents are produced by the workers: each worker process starts its LibreOffice as
        # it starts rather than on its first document. A prefork pool's children convert
        # (worker_process_init); with the solo or threads pool the worker's own process does.
        signals.worker_process_init.connect(_warm_up, weak=False)
        signals.worker_ready.connect(_warm_up_unless_prefork, weak=False)


def _warm_up(**kwargs: Any) -> None:
    from tenants.wordtemplates.pdf import warm_up_in_background

    warm_up_in_background()


def _warm_up_unless_prefork(sender: Any = None, **kwargs: Any) -> None:
    from celery.concurrency.prefork import TaskPool

    pool = getattr(getattr(sender, "controller", None), "pool_cls", None)
    if isinstance(pool, type) and issubclass(pool, TaskPool):
        return
    _warm_up()
