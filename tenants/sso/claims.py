"""Reading values out of an identity provider's claims by a dotted path."""

from __future__ import annotations

from typing import Any


def values_at(claims: Any, path: str) -> list[str]:
    """Every value found at ``path``; lists met on the way are searched element by element.

    ``groups`` → the groups; ``realm_access.roles`` → Keycloak's realm roles;
    ``SubjectRefPro.exercices.codeProfession`` → every profession code of a Pro Santé Connect
    user, whatever the number of their practices.
    """
    current: list[Any] = [claims]
    for key in path.split(".") if path else []:
        found: list[Any] = []
        for item in current:
            for element in item if isinstance(item, list) else [item]:
                if isinstance(element, dict) and key in element:
                    found.append(element[key])
        current = found
    flat: list[str] = []
    for item in current:
        for element in item if isinstance(item, list) else [item]:
            if element is not None and not isinstance(element, dict | list):
                flat.append(str(element))
    return flat
