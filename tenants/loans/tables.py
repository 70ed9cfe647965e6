"""The loans' list table, its row colours and default columns."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tenants.loans.models import Loan, LoanState
from tenants.tables.columns import FrenchDateColumn, ReferenceColumn
from tenants.tables.listing import ListTable, RowColour


def _state(record: Any) -> str:
    return str(getattr(record, "current_state", "") or record.state)


LOAN_COLOURS = (
    RowColour("table-danger", _("Late: its planned return date has passed"), lambda r: r.late),
    RowColour(
        "table-warning", pgettext_lazy("loan", "Lent"), lambda r: _state(r) == LoanState.UNDER_WAY
    ),
    RowColour(
        "table-info", pgettext_lazy("loan", "Planned"), lambda r: _state(r) == LoanState.PLANNED
    ),
    RowColour(
        "table-secondary",
        _("Returned or cancelled"),
        lambda r: _state(r) in (LoanState.RETURNED, LoanState.CANCELLED),
    ),
)


class LoanTable(ListTable):
    reference = ReferenceColumn(verbose_name=_("reference"))
    device = tables.Column(
        accessor="device__inventory_number",
        linkify=lambda record: record.device.get_absolute_url(),
        verbose_name=_("device"),
    )
    model_name = tables.Column(accessor="device__model_name", verbose_name=_("model"))
    lending_uf = tables.Column(accessor="lending_uf__code", verbose_name=_("lending UF"))
    borrowing_uf = tables.Column(accessor="borrowing_uf__code", verbose_name=_("borrowing UF"))
    starts_on = FrenchDateColumn(verbose_name=_("start date"))
    due_on = FrenchDateColumn(verbose_name=_("planned return date"))
    returned_on = FrenchDateColumn(verbose_name=_("actual return date"))
    state = tables.Column(accessor="current_state", verbose_name=_("state"))
    lender_name = tables.Column(verbose_name=_("lender's contact"))
    borrower_name = tables.Column(verbose_name=_("borrower's contact"))
    created_by = tables.Column(accessor="created_by__full_name", verbose_name=_("recorded by"))

    export_labels = {"state": dict(LoanState.choices)}

    class Meta(ListTable.Meta):
        model = Loan
        fields = ()
        empty_text = _("No loan matches these filters.")

    def render_state(self, value: str, record: Loan) -> SafeString:
        label = LoanState(value).label
        if getattr(record, "late", False):
            return format_html(
                '{} <span class="badge text-bg-danger" data-late>{}</span>', label, _("late")
            )
        return format_html("{}", label)


LOAN_COLUMNS = (
    "reference",
    "device",
    "model_name",
    "lending_uf",
    "borrowing_uf",
    "starts_on",
    "due_on",
    "state",
)
