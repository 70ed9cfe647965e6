"""The action forms of a request's page: a control the refusal names is marked invalid."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

REFUSAL_ID = "refusal"
# Actions sent by a second button of another action's form.
FORM_OF = {
    "management_refuse": "management"
}  # the id of the refusal's message at the top of request_detail.html


@register.simple_tag(takes_context=True)
def refused_aria(context: template.Context, field: str) -> SafeString:
    """``<textarea ... {% refused_aria "reason" %}>``: when the action of this form was refused
    because of ``field``, the control says it is invalid and is described by the refusal."""
    refusal: Any = context.get("refusal")
    typed: Any = context.get("typed") or {}
    sent_from = FORM_OF.get(typed.get("action"), typed.get("action"))
    if refusal is None or refusal.field != field or sent_from != context.get("action"):
        return SafeString("")
    return format_html(' aria-invalid="true" aria-describedby="{}"', REFUSAL_ID)
