"""The checks every app declares: each finds, in the tenant's data, what disagrees.

An app registers its checks in ``AppConfig.ready`` (``register``); the engine
(``tenants.controls.engine``) runs them after the imports they depend on and each night.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class Found:
    """One thing a check found: its key (unique for the check), the data its message shows,
    the UF whose scope sees it, the buyer it is grouped under, the page it is about."""

    key: str
    data: dict[str, Any]
    uf_id: int | None = None
    buyer: str = ""
    url: str = ""


@dataclass(frozen=True)
class Check:
    code: str  # "FIN-NO-MARKET"
    level: int  # tenants.controls.models.Level
    title: str | Promise
    # The finding's message from its data, for a person (gettext at the moment of reading).
    message: Callable[[dict[str, Any]], str]
    find: Callable[[], Iterable[Found]]
    # Who may see its findings (a tenants.access.permissions.Action), and which role owns them
    # (tenants.access.models.Role): told of new findings, expected to act.
    action: str
    owner: str
    # The imports whose data it reads ("finance_orders", "inventory"...): it runs after them.
    depends: tuple[str, ...] = field(default=())


_CHECKS: dict[str, Check] = {}


def register(check: Check) -> Check:
    if check.code in _CHECKS and _CHECKS[check.code] != check:
        raise ValueError(f"two checks have the code {check.code}")
    _CHECKS[check.code] = check
    return check


def every_check() -> list[Check]:
    return sorted(_CHECKS.values(), key=lambda c: c.code)


def check_for(code: str) -> Check | None:
    return _CHECKS.get(code)


def checks_after(kind: str) -> list[Check]:
    """The checks reading the data an import of ``kind`` changes."""
    return [c for c in every_check() if kind in c.depends]
