"""Template tags that show mirrored nomenclature codes as a person reads them."""

from __future__ import annotations

from django import template

from tenants.mirror.models import ReferenceTerm

register = template.Library()


@register.simple_tag
def term_label(code: str) -> str:
    """The label of a mirrored code (French, else English in sentence case), or nothing."""
    term = ReferenceTerm.objects.filter(code=code).exclude(status="deleted").first()
    return term.label if term is not None else ""
