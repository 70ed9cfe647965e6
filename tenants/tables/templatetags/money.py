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
