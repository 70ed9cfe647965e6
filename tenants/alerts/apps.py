"""Impact alerts: what a reference change means for this hospital's devices and markets."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "tenants.alerts"
    label = "alerts"
    verbose_name = "Alerts"

    def ready(self) -> None:
        from tenants.notifications.kinds import register_kinds

        register_kinds(alert_kinds)
        from tenants.mirror.signals import mirror_synced

        mirror_synced.connect(raise_alerts_after_sync, dispatch_uid="alerts.after_sync")


def raise_alerts_after_sync(sender: Any, **kwargs: Any) -> None:
    from tenants.alerts.impact import raise_alerts

    raise_alerts()


def alert_kinds() -> list[Any]:
    """The kind of alert this app sends, for the people's alert settings."""
    from django.utils.translation import gettext_lazy as _

    from tenants.notifications.kinds import DAILY, NEVER, AlertKind

    return [
        AlertKind(
            "reference_alerts",
            _("Alerts on your equipment from the shared references"),
            _("References"),
            modes=(NEVER, DAILY),
            default=DAILY,
        )
    ]
