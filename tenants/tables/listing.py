"""List pages: one declaration per page, and the engine that turns a request into a view.

A page declares its table (django-tables2), its filters (django-filter), the rows a person may
see and its default columns. The engine applies the filters and the sort from the URL, the
person's columns, order and widths, and exports exactly what is on screen. Preferences naming
columns that no longer exist are dropped silently: a renamed column must not break a page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import django_filters
import django_tables2 as tables
from django.db import models
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.functional import Promise
from django.utils.text import capfirst

from tenants.accounts.models import User
from tenants.tables.filters import BaseFilterSet

# Parameters of the URL that are not filters: they are never saved nor exported.
TRANSIENT_PARAMS = ("page", "export", "reset", "view")


def _th_width(table: ListTable, bound_column: tables.columns.BoundColumn) -> str:
    width = table.widths.get(bound_column.name)
    if isinstance(width, int | float) and width > 0:
        return f"width: {int(width)}px; min-width: {int(width)}px"
    return ""


class ListTable(tables.Table):
    """Base of every list table: headers carry their column name and saved width."""

    widths: dict[str, Any] = {}
    # Names the table for screen readers (its <caption>): the list page's title.
    caption: str | Promise = ""
    # Column name -> ORM path, when the column's accessor is not one (computed columns).
    export_paths: dict[str, str] = {}
    # Column name -> "money", "date", "number": the kind of a computed column in exports.
    export_kinds: dict[str, str] = {}

    class Meta:
        template_name = "tables/table.html"
        attrs = {
            "class": "table table-sm table-hover bg-white list-table",
            "th": {
                "data-column": lambda bound_column: bound_column.name,
                "style": _th_width,
            },
        }


@dataclass(frozen=True)
class ListPage:
    key: str  # "inventory.devices": the name preferences and views are saved under
    url_name: str
    title: str | Promise
    table_class: type[ListTable]
    filterset_class: type[BaseFilterSet]
    rows: Callable[[User], QuerySet[Any]]  # what this person may see, before filters
    default_columns: tuple[str, ...]
    per_page: int = 50
    can_view: Callable[[User], bool] = field(default=lambda user: True)


PAGES: dict[str, ListPage] = {}


def register(page: ListPage) -> ListPage:
    PAGES[page.key] = page
    return page


def all_columns(page: ListPage) -> list[tuple[str, str]]:
    """(name, header) of every column the page offers, in the table's own order."""
    table = page.table_class([])
    return [(column.name, capfirst(str(column.header))) for column in table.columns.all()]


def valid_columns(page: ListPage, wanted: list[str] | tuple[str, ...]) -> list[str]:
    known = {name for name, _header in all_columns(page)}
    columns = [c for c in dict.fromkeys(wanted) if isinstance(c, str) and c in known]
    return columns or [c for c in page.default_columns if c in known]


def clean_params(params: QueryDict) -> QueryDict:
    cleaned = params.copy()
    for name in TRANSIENT_PARAMS:
        cleaned.pop(name, None)
    return cleaned


@dataclass
class ResolvedList:
    page: ListPage
    filterset: django_filters.FilterSet
    table: ListTable
    columns: list[str]
    query: str  # filters and sort, as they go in the URL

    @property
    def rows(self) -> QuerySet[Any]:
        """The filtered rows in the table's order: what the screen shows, unpaginated."""
        return self.table.data.data  # type: ignore[no-any-return]


def resolve(
    page: ListPage, user: User, params: QueryDict, columns: list[str], widths: dict[str, Any]
) -> ResolvedList:
    params = clean_params(params)
    filterset = page.filterset_class(params, queryset=page.rows(user))
    rows = filterset.qs if filterset.is_valid() else page.rows(user).none()
    visible = valid_columns(page, columns)
    hidden = [name for name, _header in all_columns(page) if name not in visible]
    table = page.table_class(
        rows, order_by=_valid_sort(page, params.get("sort")), sequence=visible, exclude=hidden
    )
    ordered = table.data.data
    if isinstance(ordered, QuerySet) and ordered.query.order_by:
        # Rows equal on the sorted column keep one order: page after page, and in the export.
        table.data.data = ordered.order_by(*ordered.query.order_by, "pk")
    table.widths = {k: v for k, v in widths.items() if k in visible}
    table.caption = page.title
    return ResolvedList(page, filterset, table, visible, params.urlencode())


def _valid_sort(page: ListPage, sort: str | None) -> str | None:
    if not sort:
        return None
    table = page.table_class([])
    name = sort.removeprefix("-")
    orderable = {column.name for column in table.columns.all() if column.orderable}
    return sort if name in orderable else None


# Exports ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportColumn:
    header: str
    path: str  # ORM path fetched with values_list
    kind: str  # "text", "date", "money", "number"
    labels: dict[Any, str] | None = None  # choices: stored value -> label
    width: float | None = None  # saved width in pixels


def export_columns(resolved: ResolvedList) -> list[ExportColumn]:
    table = resolved.table
    model = resolved.rows.model
    out = []
    for name in resolved.columns:
        bound = table.columns[name]
        path = table.export_paths.get(name) or str(bound.accessor).replace(".", "__")
        model_field = _field_at(model, path)
        kind, labels = "text", None
        if isinstance(model_field, models.DateField):
            kind = "date"
        elif isinstance(model_field, models.DecimalField):
            kind = "money" if model_field.decimal_places == 2 else "number"
        elif isinstance(model_field, models.IntegerField | models.FloatField):
            kind = "number"
        if model_field is not None and model_field.choices:
            # Exported as their labels: text, even for a number with choices (a priority).
            labels = {value: str(label) for value, label in model_field.flatchoices}
            kind = "text"
        kind = table.export_kinds.get(name, kind)
        header = capfirst(str(bound.header))
        out.append(ExportColumn(header, path, kind, labels, table.widths.get(name)))
    return out


def _field_at(model: type[models.Model], path: str) -> models.Field[Any, Any] | None:
    current: Any = model
    found = None
    for part in path.split("__"):
        try:
            found = current._meta.get_field(part)
        except Exception:
            return None
        current = found.related_model if found.is_relation else None
        if current is None:
            break
    return found if isinstance(found, models.Field) else None


def export_values(resolved: ResolvedList, columns: list[ExportColumn]) -> Iterator[tuple[Any, ...]]:
    """The rows, in screen order, as tuples of typed values; streamed by chunks."""
    queryset = resolved.rows.values_list(*[c.path for c in columns])
    for values in queryset.iterator(chunk_size=2000):
        yield tuple(
            column.labels.get(value, value) if column.labels else value
            for column, value in zip(columns, values, strict=True)
        )


def money(value: Decimal | None) -> str:
    """1234.5 -> '1 234,50 €' (two decimals, French grouping)."""
    if value is None:
        return ""
    text = f"{value:,.2f}".replace(",", "\u202f").replace(".", ",")
    return f"{text}\u00a0€"
