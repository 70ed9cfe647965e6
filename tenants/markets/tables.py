"""The markets' list table: central markets followed and local ones, in one list."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from tenants.markets.models import Market, MarketState, Origin
from tenants.tables.columns import FrenchDateColumn, MoneyColumn
from tenants.tables.listing import ListTable, RowColour


def _state(record: Any) -> str:
    return str(getattr(record, "current_state", ""))


MARKET_COLOURS = (
    RowColour(
        "table-warning",
        _("Ending soon: within the alert window"),
        lambda r: _state(r) == MarketState.ENDING,
    ),
    RowColour(
        "table-info", _("Planned: not started yet"), lambda r: _state(r) == MarketState.PLANNED
    ),
    RowColour("table-secondary", _("Ended"), lambda r: _state(r) == MarketState.ENDED),
)

STATE_BADGES = {
    MarketState.PLANNED: "text-bg-info",
    MarketState.IN_FORCE: "text-bg-success",
    MarketState.ENDING: "text-bg-warning",
    MarketState.ENDED: "text-bg-secondary",
}


class MarketTable(ListTable):
    reference = tables.Column(
        linkify=True, attrs={"td": {"class": "text-nowrap"}}, verbose_name=_("reference")
    )
    title = tables.Column(verbose_name=_("title"))
    origin = tables.Column(verbose_name=_("origin"))
    purchasing_body = tables.Column(
        accessor="purchasing_body__name", verbose_name=_("purchasing body")
    )
    procedure = tables.Column(verbose_name=_("procedure"))
    state = tables.Column(accessor="current_state", verbose_name=_("state"))
    starts = FrenchDateColumn(verbose_name=_("start"))
    ends = FrenchDateColumn(verbose_name=_("end, renewals included"))
    renewal_kind = tables.Column(verbose_name=_("renewal"))
    notified_on = FrenchDateColumn(verbose_name=_("notified on"))
    lot_count = tables.Column(
        verbose_name=_("lots"), attrs={"td": {"class": "text-end"}}, orderable=False
    )
    supplier_names = tables.Column(verbose_name=_("suppliers"), orderable=False)
    max_amount = MoneyColumn(verbose_name=_("maximum amount excl. VAT"))
    buyer = tables.Column(accessor="buyer__full_name", verbose_name=_("buyer"))
    expert = tables.Column(accessor="expert__full_name", verbose_name=_("expert"))

    export_labels = {"state": dict(MarketState.choices)}
    export_kinds = {"lot_count": "number"}

    class Meta(ListTable.Meta):
        model = Market
        fields = ()
        order_by = ("ends",)
        empty_text = _("No market matches these filters.")

    def render_state(self, value: str) -> SafeString:
        state = MarketState(value)
        return format_html(
            '<span class="badge {}" data-state="{}">{}</span>',
            STATE_BADGES[state],
            state.value,
            state.label,
        )

    def render_origin(self, value: str, record: Market) -> SafeString:
        css = "text-bg-primary" if record.origin == Origin.CENTRAL else "text-bg-light border"
        return format_html('<span class="badge {}">{}</span>', css, value)


# Shown until the person chooses: what fits 1280 px (the procedure, the number of lots and
# the buyer are a click away in the column chooser).
MARKET_COLUMNS = (
    "reference",
    "title",
    "origin",
    "purchasing_body",
    "state",
    "ends",
    "supplier_names",
)
