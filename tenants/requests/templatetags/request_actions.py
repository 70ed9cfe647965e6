"""The action forms of a request's page: a control the refusal names is marked invalid."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

REFUSAL_ID = "refusal"  # the id of the refusal's message at the top of request_detail.html


@register.simple_tag(takes_context=True)
def refused_aria(context: template.Context, field: str) -> SafeString:
    """``<textarea ... {% refused_aria "reason" %}>``: when the action of this form was refused
    because of ``field``, the control says it is invalid and is described by the refusal."""
    refusal: Any = context.get("refusal")
    typed: Any = context.get("typed") or {}
    if refusal is None or refusal.field != field or typed.get("action") != context.get("action"):
        return SafeString("")
    return format_html(' aria-invalid="true" aria-describedby="{}"', REFUSAL_ID)
