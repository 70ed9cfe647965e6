"""``{{ amount|euros }}``: 1234.5 -> 1 234,50 € in every language (the house's money format);
``{% bounds low high %}``: a minimum and a maximum, either of which may be missing."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.translation import gettext as _

from tenants.tables.listing import money

register = template.Library()


@register.filter
def euros(value: Any) -> str:
    if value is None or value == "":
        return ""
    try:
        return money(Decimal(str(value)))
    except InvalidOperation:
        return str(value)


@register.filter
def amount_input(value: Any) -> str:
    """The value of an amount field, typed as a French person would: 19600,00."""
    if value is None or value == "":
        return ""
    try:
        return f"{Decimal(str(value)):.2f}".replace(".", ",")
    except InvalidOperation:
        return str(value)


@register.simple_tag
def bounds(low: Any, high: Any, in_euros: bool = True) -> str:
    """Both ("1 000,00 € to 9 000 000,00 €", with an en dash), "at most ...", "at least ...",
    or nothing."""
    shown = [euros(v) if in_euros else str(v) if v is not None else "" for v in (low, high)]
    if shown[0] and shown[1]:
        return f"{shown[0]} \u2013 {shown[1]}"
    if shown[1]:
        return _("at most %(high)s") % {"high": shown[1]}
    if shown[0]:
        return _("at least %(low)s") % {"low": shown[0]}
    return ""
