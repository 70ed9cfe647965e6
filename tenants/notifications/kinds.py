"""The kinds of alerts a person may tune: each app registers its own (a provider returning
them, read when needed: the controls' kinds are their checks, registered by other apps)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

NEVER, NOW, DAILY = "never", "now", "daily"


@dataclass(frozen=True)
class AlertKind:
    code: str  # "requests", "controls:FIN-NO-MARKET"
    label: str | Promise
    group: str | Promise
    # The deliveries it offers: a reminder or a digest is daily by nature.
    modes: tuple[str, ...] = (NEVER, NOW, DAILY)
    default: str = NOW
    # Whether the person may ever receive it (a control's findings reach who reads them):
    # the settings page lists only those.
    concerns: Callable[[Any], bool] = lambda user: True


_PROVIDERS: list[Callable[[], Iterable[AlertKind]]] = []


def register_kinds(provider: Callable[[], Iterable[AlertKind]]) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def every_kind() -> list[AlertKind]:
    return [kind for provider in _PROVIDERS for kind in provider()]


def kind_for(code: str) -> AlertKind | None:
    return next((k for k in every_kind() if k.code == code), None)
