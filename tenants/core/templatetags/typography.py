"""Punctuation that depends on the language: French puts a non-breaking space before ":"."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def colon() -> str:
    """``{% colon %}`` after a label: "Étapes :" in French, "Steps:" in English."""
    return "\u00a0:" if (get_language() or "").startswith("fr") else ":"
