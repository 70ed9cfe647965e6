"""Manufacturers' trial loans (*prêts d'essai*): a device lent to a UF to try before buying."""

from typing import Any

from django.apps import AppConfig


class TrialsConfig(AppConfig):
    name = "tenants.trials"
    label = "trials"
    verbose_name = "Trial loans"

    def ready(self) -> None:
        from tenants.notifications.kinds import register_kinds

        register_kinds(alert_kinds)
        from tenants.documents.registry import register
        from tenants.plan.sections import register_line_section
        from tenants.trials.models import Trial
        from tenants.trials.rules import keeps_document, may_manage
        from tenants.trials.sections import line_trials
        from tenants.trials.selectors import trials_for

        # Its page adds documents with their kind, for the team only: the attachments too.
        # The required documents stay once the device was delivered on the strength of them.
        register(
            "trial",
            Trial,
            trials_for,
            may_add=lambda user, trial: may_manage(user, trial),
            keeps=keeps_document,
        )
        register_line_section(line_trials)


def alert_kinds() -> list[Any]:
    """The kind of alert this app sends, for the people's alert settings."""
    from django.utils.translation import gettext_lazy as _

    from tenants.notifications.kinds import DAILY, NEVER, NOW, AlertKind

    return [
        AlertKind(
            "trials",
            _("Reminders on the trials you run"),
            _("Trials"),
            modes=(NEVER, NOW, DAILY),
            default=NOW,
        )
    ]
