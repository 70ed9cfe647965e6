"""``{% history_section obj "app.Model:field" ... %}``: an object page's history section.

The section is rendered inside the object's own page, after that page's permission check:
whoever may see the object sees its history, and nobody else reaches it.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.apps import apps
from django.db import models

from saas.audit.history import HISTORY_LIMIT, history_of

register = template.Library()


@register.inclusion_tag("audit/history.html")
def history_section(
    obj: models.Model, *children: str, within: dict[str, models.Q] | None = None
) -> dict[str, Any]:
    """``children``: "app_label.Model:field" for rows listed on the same page, with ":delete"
    at the end to show only their deletions. ``within``: "app_label.Model" -> the filter of
    the rows of that child this person may read (the view knows their scopes)."""
    specs = []
    for spec in children:
        label, link, *only = spec.split(":")
        specs.append((apps.get_model(label), link, only[0] if only else ""))
    filters = {apps.get_model(label): q for label, q in (within or {}).items()}
    history = history_of(obj, children=specs, within=filters)
    return {
        "history": history[:HISTORY_LIMIT],
        "more": len(history) > HISTORY_LIMIT,
        "limit": HISTORY_LIMIT,
    }
