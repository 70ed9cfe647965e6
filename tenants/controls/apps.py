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
        from tenants.notifications.kinds import register_kinds

        tabular_imported.connect(_data_imported, dispatch_uid="controls-after-import")
        register_kinds(alert_kinds)


def _data_imported(sender: Any, kind: str, **kwargs: Any) -> None:
    """The checks reading what an import changed run once it commits, in its job's worker."""
    from tenants.controls.tasks import run_checks_after

    run_checks_after(kind)


def alert_kinds() -> list[Any]:
    """One kind of alert per check: its new findings, for the check's owners."""
    from django.utils.translation import gettext_lazy as _

    from tenants.access.permissions import Action, has_permission
    from tenants.controls.registry import every_check
    from tenants.notifications.kinds import AlertKind

    def reader(action: str) -> Any:
        return lambda user: has_permission(user, Action(action))

    return [
        AlertKind(f"controls:{c.code}", c.title, _("Controls"), concerns=reader(c.action))
        for c in every_check()
    ]
