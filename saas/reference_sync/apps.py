"""Connects the reference server's releases to the tenants they concern."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class ReferenceSyncConfig(AppConfig):
    name = "saas.reference_sync"
    label = "reference_sync"
    verbose_name = "Reference sync (platform side)"

    def ready(self) -> None:
        from shared_reference.signals import release_published

        release_published.connect(queue_fan_out, dispatch_uid="reference_sync.queue_fan_out")


def queue_fan_out(sender: Any, *, topics: list[str], **kwargs: Any) -> None:
    """A release was published: reach the tenants subscribed to what it touched."""
    from saas.reference_sync.tasks import fan_out_release

    fan_out_release.delay(topics)
