"""Loans between services: a device of the inventory lent by one UF to another for a while."""

from typing import Any

from django.apps import AppConfig


class LoansConfig(AppConfig):
    name = "tenants.loans"
    label = "loans"
    verbose_name = "Loans between services"

    def ready(self) -> None:
        from tenants.notifications.kinds import register_kinds

        register_kinds(alert_kinds)
        from tenants.core.suggest import register_source
        from tenants.inventory.sections import register_device_section
        from tenants.inventory.selectors import register_row_annotation
        from tenants.loans.sections import device_loans_panel
        from tenants.loans.selectors import current_loan, may_record_any
        from tenants.loans.suggestions import lendable_devices

        register_source("loan_device", lendable_devices, can_use=may_record_any)
        register_device_section(device_loans_panel)
        # The date shows to everyone who sees the device; the link, to those who see the loan.
        register_row_annotation("loan_due_on", lambda user: current_loan("due_on"))
        register_row_annotation("loan_id", lambda user: current_loan("pk", seen_by=user))


def alert_kinds() -> list[Any]:
    """The kind of alert this app sends, for the people's alert settings."""
    from django.utils.translation import gettext_lazy as _

    from tenants.notifications.kinds import DAILY, NEVER, NOW, AlertKind

    return [
        AlertKind(
            "loans",
            _("Loans of devices you follow"),
            _("Loans"),
            modes=(NEVER, NOW, DAILY),
            default=NOW,
        )
    ]
