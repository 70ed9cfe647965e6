"""``{{ amount|euros }}``: 1234.5 -> 1 234,50 € in every language (the house's money format)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

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
