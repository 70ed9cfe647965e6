"""Equipment requests, their workflow and the investment commission's session."""

from typing import Any

from django.apps import AppConfig


class RequestsConfig(AppConfig):
    name = "tenants.requests"
    label = "requests"
    verbose_name = "Requests"

    def ready(self) -> None:
        from tenants.notifications.kinds import register_kinds

        register_kinds(alert_kinds)
        from saas.audit.history import register_display
        from tenants.documents.registry import register
        from tenants.requests.models import EquipmentRequest
        from tenants.requests.selectors import visible_requests

        # Documents and comments on a request: seen and added by whoever sees the request.
        register("request", EquipmentRequest, visible_requests)
        # The state a request returns to once a question is answered, by its name.
        register_display(EquipmentRequest, "resume_state", state_label)


def state_label(state: str) -> str:
    from tenants.requests.models import RequestState

    return str(dict(RequestState.choices).get(state, state))


def alert_kinds() -> list[Any]:
    """The kind of alert this app sends, for the people's alert settings."""
    from django.utils.translation import gettext_lazy as _

    from tenants.notifications.kinds import DAILY, NEVER, NOW, AlertKind

    return [
        AlertKind(
            "requests",
            _("Requests waiting for you, and decisions on yours"),
            _("Requests"),
            modes=(NEVER, NOW, DAILY),
            default=NOW,
        )
    ]
