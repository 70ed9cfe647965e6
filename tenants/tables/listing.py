"""List pages: one declaration per page, and the engine that turns a request into a view.

A page declares its table (django-tables2), its filters (django-filter), the rows a person may
see and its default columns. The engine applies the filters and the sort from the URL, the
person's columns, order and widths, and exports exactly what is on screen. Preferences naming
columns that no longer exist are dropped silently: a renamed column must not break a page.

A page may also declare column sets (the columns of one role's daily work: a person without
columns of their own starts from the first set of one of their roles, and may switch to any),
row colours (each explained in a legend, and never by colour alone) and sums of its money
columns over every filtered row, in the table's footer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import django_filters
import django_tables2 as tables
from django.db import models
from django.db.models import Count, QuerySet, Sum
from django.http import QueryDict
from django.utils.functional import Promise
from django.utils.text import capfirst

from tenants.access.permissions import grants_of
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
    # Column name -> {value: label}: how a computed column's codes read in exports (a state
    # worked out in the query, whose choices no model field carries).
    export_labels: dict[str, Any] = {}
    # Set by resolve() for the person looking: the row colours shown to them, and the footer's
    # cells ((column, text) in column order) with the number of rows summed, when it has one.
    row_colours: tuple[RowColour, ...] = ()
    footer_cells: list[tuple[str, str]] | None = None
    footer_count: int = 0

    def legend(self) -> list[LegendEntry]:
        """The row colours shown to this person, each with its mark, as the legend lists them."""
        return [
            LegendEntry(colour.css, colour.label, ROW_MARKS[i % len(ROW_MARKS)])
            for i, colour in enumerate(self.row_colours)
        ]

    def colour_of(self, record: Any) -> LegendEntry | None:
        """The first of this person's row colours that applies to ``record``; worked out once
        per row (the row's class and the mark in its first cell both ask)."""
        if not self.row_colours:
            return None
        found: dict[int, LegendEntry | None] = self.__dict__.setdefault("_colours_found", {})
        key = id(record)
        if key not in found:
            entries = self.legend()
            found[key] = next(
                (entries[i] for i, c in enumerate(self.row_colours) if c.applies(record)), None
            )
        return found[key]

    class Meta:
        template_name = "tables/table.html"
        attrs = {
            "class": "table table-sm table-hover bg-white list-table",
            "th": {
                "data-column": lambda bound_column: bound_column.name,
                "style": _th_width,
            },
        }
        row_attrs = {"class": lambda table, record: _row_class(table, record)}


def _row_class(table: ListTable, record: Any) -> str:
    found = table.colour_of(record)
    return found.css if found else ""


# A coloured row also carries its colour's mark, shown in its first cell and in the legend:
# the colour is never the only sign (WCAG 1.4.1).
ROW_MARKS = ("◆", "▲", "■", "●", "★", "✚")


@dataclass(frozen=True)
class LegendEntry:
    css: str
    label: str | Promise
    mark: str


@dataclass(frozen=True)
class ColumnSet:
    """A named choice of columns for one use of a list (a role's daily work)."""

    key: str  # "opinion"
    label: str | Promise  # gettext_lazy("To give an opinion on")
    columns: tuple[str, ...]
    # Role values it is the default for; empty: offered to everyone, default for nobody.
    roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RowColour:
    """Rows that match get a colour (a Bootstrap table-* class), explained in the legend."""

    css: str  # "table-danger"
    label: str | Promise  # gettext_lazy("Late: the commissioning month has passed")
    applies: Callable[[Any], bool]  # record -> bool (rows of the current page only)
    # Shown to people holding one of these roles; empty: everyone.
    roles: frozenset[str] = frozenset()


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
    column_sets: tuple[ColumnSet, ...] = ()
    row_colours: tuple[RowColour, ...] = ()
    footer_sums: bool = False  # sums of the visible money columns over every filtered row


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


def roles_of(user: User) -> frozenset[str]:
    """The roles of the person's grants, whatever their scopes."""
    if not user.is_authenticated:
        return frozenset()
    return frozenset(str(grant.role) for grant in grants_of(user))


def column_set(page: ListPage, key: str) -> ColumnSet | None:
    return next((s for s in page.column_sets if s.key == key), None)


def default_set(page: ListPage, user: User) -> ColumnSet | None:
    """The first of the page's column sets made for one of the person's roles."""
    if not page.column_sets:
        return None
    roles = roles_of(user)
    return next((s for s in page.column_sets if s.roles & roles), None)


def columns_for(page: ListPage, user: User, saved: list[str] | tuple[str, ...]) -> list[str]:
    """The columns the person sees: their own choice, else their role's set, else the page's."""
    known = {name for name, _header in all_columns(page)}
    if any(isinstance(c, str) and c in known for c in saved):
        return valid_columns(page, saved)
    chosen = default_set(page, user)
    return valid_columns(page, chosen.columns if chosen else page.default_columns)


def current_set(page: ListPage, columns: list[str]) -> ColumnSet | None:
    """The set whose columns are exactly those shown, if any (the chooser selects it)."""
    return next((s for s in page.column_sets if valid_columns(page, s.columns) == columns), None)


def row_colours_for(page: ListPage, user: User) -> tuple[RowColour, ...]:
    if not page.row_colours:
        return ()
    roles = roles_of(user)
    return tuple(c for c in page.row_colours if not c.roles or c.roles & roles)


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
    colours: tuple[RowColour, ...] = ()  # the row colours shown to this person (the legend)

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
    visible = columns_for(page, user, columns)
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
    table.row_colours = row_colours_for(page, user)
    resolved = ResolvedList(page, filterset, table, visible, params.urlencode(), table.row_colours)
    if page.footer_sums:
        _add_footer(resolved)
    return resolved


def row_table(page: ListPage, user: User, rows: QuerySet[Any], columns: list[str]) -> ListTable:
    """The page's table for a few rows only, with the columns and row colours the person sees
    on the page: what a view sends back when it changes a row in place (tables/_row.html)."""
    visible = columns_for(page, user, columns)
    hidden = [name for name, _header in all_columns(page) if name not in visible]
    table = page.table_class(rows, sequence=visible, exclude=hidden)
    table.caption = page.title
    table.row_colours = row_colours_for(page, user)
    return table


def money_columns(resolved: ResolvedList) -> dict[str, str]:
    """Name -> ORM path of the visible columns holding euros: MoneyColumns, and the columns
    exported as money."""
    from tenants.tables.columns import MoneyColumn

    table = resolved.table
    return {
        name: column.path
        for name, column in zip(resolved.columns, export_columns(resolved), strict=True)
        if column.kind == "money" or isinstance(table.columns[name].column, MoneyColumn)
    }


def _add_footer(resolved: ResolvedList) -> None:
    """Sum each visible money column over every filtered row (not only the page's): one
    aggregate query, which also counts the rows summed."""
    summed = money_columns(resolved)
    sums = {f"sum_{name}": Sum(path) for name, path in summed.items()}
    totals = resolved.rows.order_by().aggregate(footer_rows=Count("pk"), **sums)
    table = resolved.table
    table.footer_count = totals["footer_rows"]
    table.footer_cells = [
        (name, money(totals[f"sum_{name}"] or Decimal(0)) if name in summed else "")
        for name in resolved.columns
    ]


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
        if name in table.export_labels:
            labels = {value: str(label) for value, label in table.export_labels[name].items()}
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
