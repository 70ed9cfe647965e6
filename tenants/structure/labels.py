"""How a place of the structure reads to people: "UF 10111 Hospitalisation — CHU Amiens".

A pôle imported as "Pôle réanimation" is not prefixed again ("Pôle Pôle réanimation"), and in
a GHT, where several establishments share pôle and UF names, each place says its establishment.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Model
from django.utils.translation import gettext as _

from tenants.structure.models import Establishment, FunctionalUnit, Pole, Service


def is_group_of_hospitals() -> bool:
    """The current tenant is a GHT (several establishments)."""
    tenant: Any = getattr(connection, "tenant", None)
    return getattr(tenant, "kind", None) == "ght"


def _prefixed(prefix: str, name: str) -> str:
    return name if name.lower().startswith(prefix.lower()) else f"{prefix} {name}"


def place_label(place: Model, *, with_establishment: bool | None = None) -> str:
    """The name of an establishment, pôle, service or UF as users say it."""
    if with_establishment is None:
        with_establishment = is_group_of_hospitals()
    establishment: Establishment | None = None
    if isinstance(place, Establishment):
        return place.name
    if isinstance(place, Pole):
        text, establishment = _prefixed(_("Pôle"), place.name), place.establishment
    elif isinstance(place, Service):
        text, establishment = _prefixed(_("Service"), place.name), place.pole.establishment
    elif isinstance(place, FunctionalUnit):
        text = f"{_('UF')} {place.code} {place.name}"
        establishment = place.service.pole.establishment
    else:
        return str(place)
    if with_establishment and establishment is not None:
        return f"{text} — {establishment.name}"
    return text
