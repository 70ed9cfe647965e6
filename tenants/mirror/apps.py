"""The tenant's own copy of the shared references it uses (DESIGN.md section 4, tenant side)."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class MirrorConfig(AppConfig):
    name = "tenants.mirror"
    label = "mirror"
    verbose_name = "Reference mirror"

    def ready(self) -> None:
        from shared_reference.signals import release_published

        release_published.connect(queue_fan_out, dispatch_uid="mirror.queue_fan_out")


def queue_fan_out(sender: Any, *, topics: list[str], **kwargs: Any) -> None:
    """A release was published: reach the tenants subscribed to what it touched."""
    from tenants.mirror.tasks import fan_out_release

    fan_out_release.delay(topics)
