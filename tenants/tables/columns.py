"""Columns shared by list tables: money in euros, dates as dd/mm/yyyy, references."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables

from tenants.tables.listing import money


class MoneyColumn(tables.Column):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("attrs", {"td": {"class": "text-end text-nowrap"}})
        super().__init__(*args, **kwargs)

    def render(self, value: Any) -> str:
        return money(value)


class FrenchDateColumn(tables.DateColumn):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("format", "d/m/Y")
        super().__init__(*args, **kwargs)


class ReferenceColumn(tables.Column):
    """A human reference (DEM-2027-00042), linked to its page, never broken across lines."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("linkify", True)
        kwargs.setdefault("attrs", {"td": {"class": "text-nowrap"}})
        super().__init__(*args, **kwargs)
