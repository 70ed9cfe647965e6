"""The finance system's exports, declared as tables (``tenants/imports/tabular.py``).

Each column's usual header is the one a Magh2 export writes; a tenant whose export spells it
otherwise gives its own once, on the import page, and it is kept.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tenants.finance.models import FinanceOrderLine, FixedAsset, Invoice, InvoiceState
from tenants.imports.tabular import (
    Amount,
    Choice,
    Column,
    Day,
    Integer,
    Lookup,
    TabularImport,
    Text,
    YesNo,
)
from tenants.structure.models import FunctionalUnit

YEAR = Integer(minimum=1990, maximum=2100)
POSITIVE = Amount(minimum=Decimal(0))


def _no_uf() -> str:
    return _("no UF has the code %(code)s")


UF = Lookup(FunctionalUnit, "code", _no_uf)


def _length(model: Any, name: str) -> Text:
    return Text(model._meta.get_field(name).max_length)


def _received_beyond_ordered(values: dict[str, Any]) -> tuple[str, str] | None:
    ordered, received = values.get("quantity_ordered"), values.get("quantity_received")
    if ordered is not None and received is not None and received > ordered:
        return (
            "quantity_received",
            _("more received (%(received)s) than ordered (%(ordered)s)")
            % {"received": received, "ordered": ordered},
        )
    return None


ORDER_LINES = TabularImport(
    kind="finance_orders",
    model=FinanceOrderLine,
    key=("year", "order_number", "line_number"),
    describe=lambda key: (
        _("order %(order)s of %(year)s, line %(line)s")
        % {"year": key[0], "order": key[1], "line": key[2]}
    ),
    columns=(
        Column("year", "Exercice", gettext_lazy("Column of the financial year"), YEAR),
        Column(
            "order_number",
            "N° commande",
            gettext_lazy("Column of the order number"),
            _length(FinanceOrderLine, "order_number"),
        ),
        Column(
            "line_number",
            "N° ligne",
            gettext_lazy("Column of the line number"),
            Integer(minimum=1, maximum=100_000),
        ),
        Column(
            "manager_code",
            "Gestionnaire",
            gettext_lazy("Column of the manager code"),
            _length(FinanceOrderLine, "manager_code"),
        ),
        Column(
            "market_number",
            "N° marché",
            gettext_lazy("Column of the market number"),
            _length(FinanceOrderLine, "market_number"),
        ),
        Column(
            "supplier_name",
            "Fournisseur",
            gettext_lazy("Column of the supplier"),
            _length(FinanceOrderLine, "supplier_name"),
        ),
        Column("order_date", "Date commande", gettext_lazy("Column of the order date"), Day()),
        Column(
            "purpose",
            "Objet de la dépense",
            gettext_lazy("Column of the purpose of the expense"),
            _length(FinanceOrderLine, "purpose"),
        ),
        Column(
            "programme",
            "N° programme",
            gettext_lazy("Column of the programme"),
            _length(FinanceOrderLine, "programme"),
        ),
        Column("uf_id", "UF", gettext_lazy("Column of the UF code"), UF, required=True),
        Column(
            "account",
            "Compte",
            gettext_lazy("Column of the account"),
            _length(FinanceOrderLine, "account"),
        ),
        Column(
            "label",
            "Libellé",
            gettext_lazy("Column of the label"),
            _length(FinanceOrderLine, "label"),
        ),
        Column(
            "quantity_ordered",
            "Qté commandée",
            gettext_lazy("Column of the quantity ordered"),
            POSITIVE,
        ),
        Column(
            "quantity_received",
            "Qté reçue",
            gettext_lazy("Column of the quantity received"),
            POSITIVE,
        ),
        Column(
            "committed", "Montant engagé", gettext_lazy("Column of the amount committed"), Amount()
        ),
        Column("paid", "Montant liquidé", gettext_lazy("Column of the amount paid"), Amount()),
        Column("closed", "Soldée", gettext_lazy("Column of the line closed (O/N)"), YesNo()),
    ),
    row_checks=(_received_beyond_ordered,),
)


FIXED_ASSETS = TabularImport(
    kind="finance_assets",
    model=FixedAsset,
    key=("sheet",),
    describe=lambda key: _("asset sheet %(sheet)s") % {"sheet": key[0]},
    columns=(
        Column(
            "sheet",
            "N° fiche",
            gettext_lazy("Column of the asset sheet"),
            _length(FixedAsset, "sheet"),
        ),
        Column(
            "year", "Exercice", gettext_lazy("Column of the financial year"), YEAR, required=True
        ),
        Column("uf_id", "UF", gettext_lazy("Column of the UF code"), UF, required=True),
        Column(
            "account",
            "Compte",
            gettext_lazy("Column of the account"),
            _length(FixedAsset, "account"),
        ),
        Column(
            "order_number",
            "N° commande",
            gettext_lazy("Column of the order number"),
            _length(FixedAsset, "order_number"),
        ),
        Column(
            "order_line",
            "N° ligne",
            gettext_lazy("Column of the order line"),
            Integer(minimum=1, maximum=100_000),
        ),
        Column(
            "label", "Libellé", gettext_lazy("Column of the label"), _length(FixedAsset, "label")
        ),
        Column(
            "inventory_number",
            "N° inventaire",
            gettext_lazy("Column of the inventory number"),
            _length(FixedAsset, "inventory_number"),
        ),
        Column(
            "serial_number",
            "N° série",
            gettext_lazy("Column of the serial number"),
            _length(FixedAsset, "serial_number"),
        ),
        Column(
            "commissioning_date",
            "Date mise en service",
            gettext_lazy("Column of the commissioning date"),
            Day(),
        ),
        Column(
            "duration",
            "Durée",
            gettext_lazy("Column of the depreciation period (years)"),
            Integer(minimum=0, maximum=100),
        ),
        Column("value", "Valeur", gettext_lazy("Column of the value"), POSITIVE),
        Column("disposed", "Date sortie", gettext_lazy("Column of the disposal date"), Day()),
    ),
)

INVOICE_WORDS = {
    "en attente": InvoiceState.WAITING,
    "a payer": InvoiceState.WAITING,
    "waiting": InvoiceState.WAITING,
    "suspendue": InvoiceState.SUSPENDED,
    "en suspens": InvoiceState.SUSPENDED,
    "payee": InvoiceState.PAID,
    "mandatee": InvoiceState.PAID,
    "paid": InvoiceState.PAID,
    "rejetee": InvoiceState.REJECTED,
    "rejected": InvoiceState.REJECTED,
}

INVOICES = TabularImport(
    kind="finance_invoices",
    model=Invoice,
    key=("supplier_name", "reference"),
    describe=lambda key: (
        _("invoice %(reference)s of %(supplier)s") % {"supplier": key[0], "reference": key[1]}
    ),
    columns=(
        Column(
            "supplier_name",
            "Fournisseur",
            gettext_lazy("Column of the supplier"),
            _length(Invoice, "supplier_name"),
        ),
        Column(
            "reference",
            "N° facture",
            gettext_lazy("Column of the invoice reference"),
            _length(Invoice, "reference"),
        ),
        Column(
            "order_number",
            "N° commande",
            gettext_lazy("Column of the order number"),
            _length(Invoice, "order_number"),
        ),
        Column("invoice_date", "Date facture", gettext_lazy("Column of the invoice date"), Day()),
        Column(
            "received_date", "Date réception", gettext_lazy("Column of the date received"), Day()
        ),
        Column(
            "chorus_number",
            "N° engagement Chorus",
            gettext_lazy("Column of the Chorus commitment number"),
            _length(Invoice, "chorus_number"),
        ),
        Column("amount", "Montant TTC", gettext_lazy("Column of the amount"), Amount()),
        Column(
            "state",
            "État",
            gettext_lazy("Column of the state"),
            Choice(INVOICE_WORDS, InvoiceState.WAITING),
        ),
    ),
)

ALL = (ORDER_LINES, FIXED_ASSETS, INVOICES)
