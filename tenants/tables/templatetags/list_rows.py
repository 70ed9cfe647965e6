"""The row colour of a list table's record, for its first cell's mark (tables/table.html)."""

from __future__ import annotations

from typing import Any

from django import template

from tenants.tables.listing import LegendEntry, ListTable

register = template.Library()


@register.filter
def row_colour(table: ListTable, record: Any) -> LegendEntry | None:
    return table.colour_of(record) if isinstance(table, ListTable) else None
