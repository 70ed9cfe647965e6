"""The control engine: the checks each app declares, their findings, and the controls pages."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class ControlsConfig(AppConfig):
    name = "tenants.controls"
    label = "controls"
    verbose_name = "Controls"

    def ready(self) -> None:
        from tenants.imports.tabular import tabular_imported

        tabular_imported.connect(_data_imported, dispatch_uid="controls-after-import")


def _data_imported(sender: Any, kind: str, **kwargs: Any) -> None:
    """The checks reading what an import changed run once it commits, in a worker."""
    from tenants.controls.tasks import queue_checks_after

    queue_checks_after(kind)
