"""What a purchase request's order form or letter needs, for the Word templates
(``tenants.wordtemplates`` fills its documents from ``document_context``).

``document_data`` gathers the request's data as plain values; ``document_context`` gives the
Word templates exactly the placeholders the two kinds declare
(``tenants.wordtemplates.kinds.PURCHASING_PLACEHOLDERS``), as the document shows them (dates
dd/mm/yyyy, euros with two decimals). A test checks both ways that they match.

``document_data``: every value is plain: ``str``, ``Decimal`` (euros, two decimals; rates in
percent), ``date``, ``int``, ``bool``, or lists and dicts of those; an absent value is ``""``
(or ``None`` for a date). Keys:

- ``reference``, ``state`` (label), ``created`` (date), ``quote_number``, ``quote_date``,
  ``note``, ``over_budget_reason``, ``order_number``, ``ordered_on``;
- ``hospital``: ``name`` (the tenant's name);
- ``establishment``: ``name``, ``finess``, ``city``, ``legal_entity_name``, ``legal_entity_finess``
  (the establishment of the first order line's UF);
- ``supplier``: ``name``, ``siren``, ``address_line1``, ``address_line2``, ``postcode``,
  ``city``, ``country`` (its postal address); ``contact``: ``name``, ``email``, ``phone``;
- ``procurement``: ``kind`` ("market" or "off_contract" or ""), ``market_reference``,
  ``market_title``, ``purchasing_body``, ``lot_number``, ``lot_title``, ``exception_code``,
  ``exception_label``, ``exception_valid_until``, ``account_prefix``;
- ``lines``: one dict per order line: ``position`` (1..), ``plan_line``, ``description``,
  ``model``, ``emdn_code``, ``risk_class``, ``quantity``, ``unit_price_excl_vat``,
  ``vat_rate``, ``total_excl_vat``, ``total_incl_vat``, ``warranty_months``, ``to_inventory``,
  ``taken_back`` (inventory number), ``uf_code``, ``uf_name``;
- ``total_excl_vat``, ``total_vat``, ``total_incl_vat``;
- ``budget_lines``: one dict per plan line drawn on: ``reference``, ``title``, ``year``,
  ``uf_code``, ``granted``, ``this_request`` (incl. VAT);
- ``file``: ``reference``, ``title``, ``lead`` ("" without a file);
- ``buyer``: ``name``, ``email`` (who drafted it), ``sent_by`` (who validated and sent it).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.formats import date_format

from tenants.purchasing.models import PurchaseRequest
from tenants.tables.listing import money


def _tenant_name() -> str:
    tenant = getattr(connection, "tenant", None)
    return str(getattr(tenant, "name", "") or "")


def document_data(purchase_request: PurchaseRequest) -> dict[str, Any]:
    item = purchase_request
    lines = list(
        item.lines.select_related(
            "plan_line__uf__service__pole__establishment", "reference_model", "taken_back"
        )
    )
    establishment = lines[0].plan_line.uf.service.pole.establishment if lines else None
    market, lot, exception = item.market, item.lot, item.exception
    kind = "off_contract" if exception is not None else ("market" if market is not None else "")
    by_plan_line: dict[int, dict[str, Any]] = {}
    out_lines = []
    for position, line in enumerate(lines, start=1):
        plan_line = line.plan_line
        out_lines.append(
            {
                "position": position,
                "plan_line": plan_line.reference,
                "description": line.description,
                "model": str(line.reference_model) if line.reference_model else line.model_name,
                "emdn_code": line.emdn_code,
                "risk_class": line.risk_class,
                "quantity": line.quantity,
                "unit_price_excl_vat": line.unit_price,
                "vat_rate": line.vat_rate,
                "total_excl_vat": line.total_excl_vat,
                "total_incl_vat": line.total_incl_vat,
                "warranty_months": line.warranty_months,
                "to_inventory": line.to_inventory,
                "taken_back": line.taken_back.inventory_number if line.taken_back else "",
                "uf_code": plan_line.uf.code,
                "uf_name": plan_line.uf.name,
            }
        )
        budget = by_plan_line.setdefault(
            plan_line.pk,
            {
                "reference": plan_line.reference,
                "title": plan_line.title,
                "year": plan_line.year,
                "uf_code": plan_line.uf.code,
                "granted": plan_line.amount,
                "this_request": Decimal("0.00"),
            },
        )
        budget["this_request"] += line.total_incl_vat
    excl = sum((line.total_excl_vat for line in lines), Decimal("0.00"))
    incl = sum((line.total_incl_vat for line in lines), Decimal("0.00"))
    sent = item.events.filter(action="send").select_related("actor").last()
    return {
        "reference": item.reference,
        "state": str(item.get_state_display()),
        "created": timezone.localtime(item.created).date(),
        "quote_number": item.quote_number,
        "quote_date": item.quote_date,
        "note": item.note,
        "over_budget_reason": item.over_budget_reason,
        "order_number": item.order_number,
        "ordered_on": item.ordered_on,
        "hospital": {"name": _tenant_name()},
        "establishment": {
            "name": establishment.name if establishment else "",
            "finess": establishment.finess if establishment else "",
            "city": establishment.city if establishment else "",
            "legal_entity_name": establishment.legal_entity_name if establishment else "",
            "legal_entity_finess": establishment.legal_entity_finess if establishment else "",
        },
        "supplier": {
            "name": item.supplier.name,
            "siren": item.supplier.siren,
            **{field: getattr(item.supplier, field) for field in SUPPLIER_ADDRESS},
        },
        "contact": {
            "name": item.contact_name,
            "email": item.contact_email,
            "phone": item.contact_phone,
        },
        "procurement": {
            "kind": kind,
            "market_reference": market.reference if market else "",
            "market_title": market.title if market else "",
            "purchasing_body": market.purchasing_body.name
            if market and market.purchasing_body
            else "",
            "lot_number": lot.number if lot else "",
            "lot_title": lot.title if lot else "",
            "exception_code": exception.code if exception else "",
            "exception_label": str(exception.get_code_display()) if exception else "",
            "exception_valid_until": exception.valid_until if exception else None,
            "account_prefix": exception.account_prefix if exception else "",
        },
        "lines": out_lines,
        "total_excl_vat": excl,
        "total_vat": incl - excl,
        "total_incl_vat": incl,
        "budget_lines": list(by_plan_line.values()),
        "file": {
            "reference": item.file.reference if item.file else "",
            "title": item.file.title if item.file else "",
            "lead": item.file.lead.get_full_name() if item.file else "",
        },
        "buyer": {
            "name": item.created_by.get_full_name(),
            "email": item.created_by.email,
            "sent_by": sent.actor.get_full_name() if sent else "",
        },
    }


SUPPLIER_ADDRESS = ("address_line1", "address_line2", "postcode", "city", "country")


def _date(value: Any) -> str:
    return date_format(value, "d/m/Y") if value else ""


def _rate(value: Decimal) -> str:
    text = f"{value.normalize():f}".replace(".", ",")
    return f"{text}\u00a0%"


def document_context(purchase_request: PurchaseRequest) -> dict[str, Any]:
    """The placeholders of the purchasing kinds, filled in for ``purchase_request``."""
    data = document_data(purchase_request)
    establishment, procurement = data["establishment"], data["procurement"]
    lot = " — ".join(
        part
        for part in (
            f"Lot {procurement['lot_number']}" if procurement["lot_number"] else "",
            procurement["lot_title"],
        )
        if part
    )
    return {
        "reference": data["reference"],
        "date": _date(timezone.localdate()),
        "hospital": {
            "name": establishment["legal_entity_name"] or data["hospital"]["name"],
            "finess": establishment["legal_entity_finess"],
        },
        "establishment": {
            "name": establishment["name"],
            "city": establishment["city"],
            "finess": establishment["finess"],
        },
        "supplier": dict(data["supplier"]),
        "contact": dict(data["contact"]),
        "quote": {"number": data["quote_number"], "date": _date(data["quote_date"])},
        "market": {
            "name": procurement["market_title"],
            "reference": procurement["market_reference"],
            "lot": lot,
        },
        "off_contract": {
            "code": procurement["exception_code"],
            "label": procurement["exception_label"],
        },
        "lines": [
            {
                "position": str(line["position"]),
                "plan_line": line["plan_line"],
                "designation": line["description"],
                "reference": line["model"],
                "quantity": str(line["quantity"]),
                "unit_price": money(line["unit_price_excl_vat"]),
                "vat_rate": _rate(line["vat_rate"]),
                "total_excl": money(line["total_excl_vat"]),
                "total_incl": money(line["total_incl_vat"]),
            }
            for line in data["lines"]
        ],
        "total_excl": money(data["total_excl_vat"]),
        "total_vat": money(data["total_vat"]),
        "total_incl": money(data["total_incl_vat"]),
        "budget_lines": [
            {
                "code": budget["reference"],
                "label": budget["title"],
                "amount": money(budget["this_request"]),
            }
            for budget in data["budget_lines"]
        ],
        "buyer": {"name": data["buyer"]["name"], "email": data["buyer"]["email"]},
    }
