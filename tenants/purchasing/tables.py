"""The purchasing lists: off-contract exceptions, purchase requests, purchase files."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from tenants.purchasing.models import OffContractException, PurchaseFile, PurchaseRequest
from tenants.tables.columns import FrenchDateColumn, MoneyColumn, ReferenceColumn
from tenants.tables.listing import ListTable, RowColour

EXCEPTION_COLOURS = (
    RowColour("table-secondary", _("Expired"), lambda r: getattr(r, "expired", False)),
)


class ExceptionTable(ListTable):
    code = tables.Column(linkify=True, verbose_name=_("code"))
    supplier = tables.Column(accessor="supplier__name", verbose_name=_("supplier"))
    account_prefix = tables.Column(verbose_name=_("account prefix"))
    valid_from = FrenchDateColumn(verbose_name=_("valid from"))
    valid_until = FrenchDateColumn(verbose_name=_("valid until"))
    next_market = tables.Column(
        accessor="next_market__reference", verbose_name=_("market to use afterwards")
    )
    note = tables.Column(verbose_name=_("note"))
    created_by = tables.Column(accessor="created_by__full_name", verbose_name=_("recorded by"))

    class Meta(ListTable.Meta):
        model = OffContractException
        fields = ()
        empty_text = _("No off-contract exception matches these filters.")


EXCEPTION_COLUMNS = (
    "code",
    "supplier",
    "account_prefix",
    "valid_from",
    "valid_until",
    "next_market",
)


class RequestTable(ListTable):
    reference = ReferenceColumn(verbose_name=_("reference"))
    state = tables.Column(verbose_name=_("state"))
    supplier = tables.Column(accessor="supplier__name", verbose_name=_("supplier"))
    quote_number = tables.Column(verbose_name=_("quote number"))
    quote_date = FrenchDateColumn(verbose_name=_("quote date"))
    market = tables.Column(accessor="market__reference", verbose_name=_("market"))
    lot = tables.Column(accessor="lot__number", verbose_name=_("lot"))
    exception = tables.Column(accessor="exception__code", verbose_name=_("exception"))
    total_excl_vat = MoneyColumn(verbose_name=_("total excl. VAT (€)"), orderable=True)
    file = tables.Column(accessor="file__reference", verbose_name=_("purchase file"))
    created_by = tables.Column(accessor="created_by__full_name", verbose_name=_("drafted by"))
    order_number = tables.Column(verbose_name=_("order number"))

    export_kinds = {"total_excl_vat": "money"}

    class Meta(ListTable.Meta):
        model = PurchaseRequest
        fields = ()
        empty_text = _("No purchase request matches these filters.")


REQUEST_COLUMNS = (
    "reference",
    "state",
    "supplier",
    "quote_date",
    "market",
    "lot",
    "exception",
    "total_excl_vat",
)


class FileTable(ListTable):
    reference = ReferenceColumn(verbose_name=_("reference"))
    title = tables.Column(verbose_name=_("project"))
    lead = tables.Column(accessor="lead__full_name", verbose_name=_("lead"))
    deadline = FrenchDateColumn(verbose_name=_("deadline"))
    created = FrenchDateColumn(verbose_name=_("created"))

    class Meta(ListTable.Meta):
        model = PurchaseFile
        fields = ()
        empty_text = _("No purchase file matches these filters.")


FILE_COLUMNS = ("reference", "title", "lead", "deadline")
