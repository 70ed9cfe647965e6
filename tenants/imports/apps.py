"""Reading hospital exports, and import jobs run by Celery with visible progress."""

from typing import Any

from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "tenants.imports"
    label = "imports"
    verbose_name = "Imports"

    def ready(self) -> None:
        from tenants.notifications.kinds import register_kinds

        register_kinds(alert_kinds)


def alert_kinds() -> list[Any]:
    """Files pushed through the tenant API that were refused: told to the administrators."""
    from django.utils.translation import gettext_lazy as _

    from tenants.notifications.kinds import DAILY, NEVER, NOW, AlertKind

    return [
        AlertKind(
            "imports",
            _("Files pushed through the API and refused"),
            _("Imports"),
            modes=(NEVER, NOW, DAILY),
            default=NOW,
        )
    ]
