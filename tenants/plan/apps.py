"""The equipment plan: what the commission granted, line by line, followed to commissioning."""

import datetime
from typing import Any

from django.apps import AppConfig


class PlanConfig(AppConfig):
    name = "tenants.plan"
    label = "plan"
    verbose_name = "Equipment plan"

    def ready(self) -> None:
        from tenants.notifications.kinds import register_kinds

        register_kinds(alert_kinds)
        from saas.audit.history import register_display
        from tenants.inventory.signals import inventory_imported
        from tenants.plan.models import PlanLine

        inventory_imported.connect(link_after_import, dispatch_uid="plan.link_devices")
        # A commissioning month reads as one (03/2027), not as its first day.
        register_display(PlanLine, "commissioning_month", month_label)


def month_label(value: datetime.date) -> str:
    return value.strftime("%m/%Y")


def link_after_import(sender: Any, **kwargs: Any) -> None:
    from tenants.plan.delivery import link_all_lines

    link_all_lines()


def alert_kinds() -> list[Any]:
    """The kind of alert this app sends, for the people's alert settings."""
    from django.utils.translation import gettext_lazy as _

    from tenants.notifications.kinds import DAILY, NEVER, NOW, AlertKind

    return [
        AlertKind(
            "plan",
            _("Reminders on the plan lines you manage"),
            _("Plan"),
            modes=(NEVER, NOW, DAILY),
            default=NOW,
        )
    ]
