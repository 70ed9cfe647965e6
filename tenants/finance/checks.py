"""The controls on the finance system's data, against the purchases, the plan and the CMMS.

Each finder reads the tables with a few aggregate queries and yields what disagrees; the data
of a finding hold only what stays true until the cause changes (dates, not ages: a finding
whose data changed every night would reopen every night once accepted).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Max, Min, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tenants.access.models import Role
from tenants.access.permissions import Action
from tenants.controls.engine import shared
from tenants.controls.models import Level
from tenants.controls.registry import Check, Found, register
from tenants.finance.models import FinanceOrderLine, FixedAsset, Invoice, InvoiceState, OrderLink
from tenants.finance.pairing import Pairs, pairs
from tenants.inventory.models import Device, DeviceStatus
from tenants.plan.models import PlanLine
from tenants.purchasing.models import OffContractException
from tenants.tables.listing import money

# *Objet de la dépense* carries the off-contract exception's code: "HM4 urgence" (a
# PostgreSQL regular expression: its ``\b`` is a backspace).
EXCEPTION_CODE = r"(^|[^0-9A-Za-z_])HM[1-6]([^0-9A-Za-z_]|$)"
OLD_ORDER_DAYS = 183
NOT_RECEIVED_DAYS = 90
NOTHING_COMMITTED_DAYS = 183
VALUE_TOLERANCE = Decimal("1.00")
ORDERS = ("finance_orders",)


def _day(value: Any) -> str:
    return value.isoformat() if value else ""


def _shown(iso: str) -> str:
    return date_format(date.fromisoformat(iso), "d/m/Y") if iso else "—"


def _euros(text: str) -> str:
    return money(Decimal(text)) if text else "—"


def _money(value: Any) -> str:
    return f"{Decimal(value or 0):.2f}"


def _orders() -> list[dict[str, Any]]:
    """Each order (year and number) with what its lines add up to (read once per run)."""
    return shared("finance-orders", lambda: list(_order_rows()))


def _pairs() -> Pairs:
    return shared("finance-pairs", pairs)


def _order_rows() -> Iterator[dict[str, Any]]:
    rows = (
        FinanceOrderLine.objects.values("year", "order_number")
        .annotate(
            lines=Count("pk"),
            open_lines=Count("pk", filter=Q(closed=False)),
            zero_lines=Count("pk", filter=Q(committed=0) | Q(committed__isnull=True)),
            market=Max("market_number"),
            supplier=Max("supplier_name"),
            placed=Min("order_date"),
            uf=Min("uf_id"),
            buyer=Max("manager_code"),
            committed=Sum("committed"),
        )
        .order_by()
    )
    yield from rows.iterator(chunk_size=5000)


def _order_key(row: dict[str, Any]) -> str:
    return f"{row['year']}/{row['order_number']}"


def _order_data(row: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "order": row["order_number"],
        "year": row["year"],
        "supplier": row["supplier"] or "",
        "placed": _day(row["placed"]),
        "committed": _money(row["committed"]),
        **extra,
    }


def _found_order(row: dict[str, Any], **extra: Any) -> Found:
    return Found(
        _order_key(row),
        _order_data(row, **extra),
        uf_id=row["uf"],
        buyer=row["buyer"] or "",
        url=_plan_pages().get((row["year"], row["order_number"]), ""),
    )


def _found_line(line: Mapping[str, Any]) -> Found:
    return Found(
        f"{line['year']}/{line['order_number']}/{line['line_number']}",
        {
            "order": line["order_number"],
            "year": line["year"],
            "line": line["line_number"],
            "label": line["label"],
            "supplier": line["supplier_name"],
        },
        uf_id=line["uf_id"],
        buyer=line["manager_code"],
        url=_plan_pages().get((line["year"], line["order_number"]), ""),
    )


def _plan_pages() -> dict[tuple[int, str], str]:
    """The page of the plan line an order counts for (the first, when several): where a
    finding on the order sends the person, the finance system's orders having no page here."""
    return shared("finance-plan-pages", _plan_pages_now)


def _plan_pages_now() -> dict[tuple[int, str], str]:
    pages: dict[tuple[int, str], str] = {}
    links = OrderLink.objects.order_by("plan_line_id").values_list(
        "order_line__year", "order_line__order_number", "plan_line_id"
    )
    for year, number, line in links:
        pages.setdefault((year, number), reverse("plan:line_detail", args=[line]))
    return pages


def _first_current_year() -> int:
    return timezone.localdate().year - 1


def _current(order: dict[str, Any]) -> bool:
    """What the purchase checks look at: an order still open, or of this financial year or
    the last (closed or not: an order placed off contract stays a finding to justify)."""
    return bool(order["open_lines"]) or order["year"] >= _first_current_year()


def orders_without_market() -> Iterator[Found]:
    exceptions: dict[str, list[tuple[date, date]]] = defaultdict(list)
    for name, start, end in OffContractException.objects.values_list(
        "supplier__name", "valid_from", "valid_until"
    ):
        exceptions[name.casefold()].append((start, end))
    # Any line's purpose may carry the code (the order's lines need not share one purpose).
    coded = set(
        FinanceOrderLine.objects.filter(purpose__regex=EXCEPTION_CODE)
        .values_list("year", "order_number")
        .distinct()
    )
    for row in _orders():
        if row["market"] or not _current(row):
            continue
        if (row["year"], row["order_number"]) in coded:
            continue
        placed = row["placed"] or timezone.localdate()
        covering = exceptions.get((row["supplier"] or "").casefold(), [])
        if any(start <= placed <= end for start, end in covering):
            continue
        yield _found_order(row)


def orders_at_zero() -> Iterator[Found]:
    for row in _orders():
        if _current(row) and row["zero_lines"] == row["lines"]:
            yield _found_order(row)


def lines_at_zero() -> Iterator[Found]:
    """Lines still open at 0 € in an order that has others (a whole order at 0 € is a finding
    of its own)."""
    whole = {(r["year"], r["order_number"]) for r in _orders() if r["zero_lines"] == r["lines"]}
    rows = FinanceOrderLine.objects.filter(
        Q(closed=False) | Q(year__gte=_first_current_year())
    ).filter(Q(committed=0) | Q(committed__isnull=True))
    for line in rows.values(
        "year", "order_number", "line_number", "label", "uf_id", "manager_code", "supplier_name"
    ).iterator(chunk_size=5000):
        if (line["year"], line["order_number"]) in whole:
            continue
        yield _found_line(line)


def old_orders() -> Iterator[Found]:
    limit = timezone.localdate() - timedelta(days=OLD_ORDER_DAYS)
    for row in _orders():
        if row["open_lines"] and row["placed"] and row["placed"] < limit:
            yield _found_order(row, open_lines=row["open_lines"], lines=row["lines"])


def orders_not_received() -> Iterator[Found]:
    limit = timezone.localdate() - timedelta(days=NOT_RECEIVED_DAYS)
    rows = (
        FinanceOrderLine.objects.filter(closed=False, order_date__lt=limit)
        .filter(
            Q(quantity_received__isnull=True)
            | Q(quantity_ordered__isnull=False, quantity_received__lt=F("quantity_ordered"))
        )
        .values("year", "order_number")
        .annotate(
            supplier=Max("supplier_name"),
            placed=Min("order_date"),
            uf=Min("uf_id"),
            buyer=Max("manager_code"),
            committed=Sum("committed"),
            waiting=Count("pk"),
        )
        .order_by()
    )
    for row in rows.iterator(chunk_size=5000):
        yield _found_order(row, waiting=row["waiting"])


def received_not_closed() -> Iterator[Found]:
    rows = FinanceOrderLine.objects.filter(
        closed=False, quantity_ordered__gt=0, quantity_received__gte=F("quantity_ordered")
    )
    for line in rows.values(
        "year", "order_number", "line_number", "label", "uf_id", "manager_code", "supplier_name"
    ).iterator(chunk_size=5000):
        yield _found_line(line)


def invoices_on_closed_orders() -> Iterator[Found]:
    open_orders = set(
        FinanceOrderLine.objects.filter(closed=False)
        .values_list("order_number", flat=True)
        .distinct()
    )
    known_orders = {
        row["order_number"]: row
        for row in FinanceOrderLine.objects.values("order_number")
        .annotate(uf=Min("uf_id"), buyer=Max("manager_code"))
        .order_by()
    }
    waiting = Invoice.objects.filter(
        state__in=(InvoiceState.WAITING, InvoiceState.SUSPENDED)
    ).exclude(order_number="")
    for invoice in waiting.values(
        "supplier_name", "reference", "order_number", "amount", "received_date"
    ).iterator(chunk_size=5000):
        number = invoice["order_number"]
        if number in known_orders and number not in open_orders:
            yield Found(
                f"{invoice['supplier_name']}/{invoice['reference']}",
                {
                    "supplier": invoice["supplier_name"],
                    "invoice": invoice["reference"],
                    "order": number,
                    "amount": _money(invoice["amount"]),
                    "received": _day(invoice["received_date"]),
                },
                uf_id=known_orders[number]["uf"],
                # The order's buyer: the finding counts in their traffic lights.
                buyer=known_orders[number]["buyer"] or "",
            )


def _asset_data(asset: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "sheet": asset["sheet"],
        "label": asset["label"],
        "inventory_number": asset["inventory_number"],
        "value": _money(asset["value"]),
    }


def assets_without_device() -> Iterator[Found]:
    if not Device.objects.exists():
        return
    paired = _pairs()
    for asset in (
        FixedAsset.objects.filter(disposed__isnull=True)
        .values("pk", "sheet", "label", "inventory_number", "value", "uf_id")
        .iterator(chunk_size=5000)
    ):
        if asset["pk"] not in paired.by_asset:
            yield Found(asset["sheet"], _asset_data(asset), uf_id=asset["uf_id"])


def devices_without_asset() -> Iterator[Found]:
    if not FixedAsset.objects.exists():
        return
    paired = _pairs()
    for device in (
        Device.objects.exclude(status=DeviceStatus.RETIRED)
        .values("pk", "inventory_number", "manufacturer_name", "model_name", "uf_id")
        .iterator(chunk_size=5000)
    ):
        if device["pk"] not in paired.by_device:
            yield Found(
                device["inventory_number"],
                {
                    "inventory_number": device["inventory_number"],
                    "device": f"{device['manufacturer_name']} {device['model_name']}".strip(),
                },
                uf_id=device["uf_id"],
                url=f"/inventory/{device['pk']}/",
            )


def assets_differing_from_devices() -> Iterator[Found]:
    paired = _pairs()
    if not paired.by_asset:
        return
    assets = {
        a["pk"]: a
        for a in FixedAsset.objects.filter(pk__in=list(paired.by_asset)).values(
            "pk", "sheet", "label", "inventory_number", "value", "uf_id", "commissioning_date"
        )
    }
    devices = {
        d["pk"]: d
        for d in Device.objects.filter(pk__in=list(paired.by_device)).values(
            "pk", "inventory_number", "purchase_value", "uf_id", "uf__code", "commissioning_date"
        )
    }
    codes = dict(FixedAsset.objects.filter(pk__in=list(assets)).values_list("pk", "uf__code"))
    for asset_id, device_id in paired.by_asset.items():
        asset, device = assets[asset_id], devices[device_id]
        differences = []
        if (
            asset["value"] is not None
            and device["purchase_value"] is not None
            and abs(asset["value"] - device["purchase_value"]) > VALUE_TOLERANCE
        ):
            differences.append(["value", _money(asset["value"]), _money(device["purchase_value"])])
        if asset["uf_id"] != device["uf_id"]:
            differences.append(["uf", codes.get(asset_id, ""), device["uf__code"]])
        if (
            asset["commissioning_date"]
            and device["commissioning_date"]
            and asset["commissioning_date"] != device["commissioning_date"]
        ):
            differences.append(
                [
                    "commissioning",
                    _day(asset["commissioning_date"]),
                    _day(device["commissioning_date"]),
                ]
            )
        if differences:
            yield Found(
                asset["sheet"],
                {
                    **_asset_data(asset),
                    "device": device["inventory_number"],
                    "differences": differences,
                },
                uf_id=device["uf_id"],
                url=f"/inventory/{device_id}/",
            )


def retired_still_on_books() -> Iterator[Found]:
    paired = _pairs()
    retired = dict(
        Device.objects.filter(
            status=DeviceStatus.RETIRED, pk__in=list(paired.by_device)
        ).values_list("pk", "inventory_number")
    )
    if not retired:
        return
    on_books = FixedAsset.objects.filter(
        disposed__isnull=True, pk__in=[paired.by_device[d] for d in retired]
    )
    for asset in on_books.values(
        "pk", "sheet", "label", "inventory_number", "value", "uf_id"
    ).iterator(chunk_size=5000):
        device = paired.by_asset[asset["pk"]]
        yield Found(
            asset["sheet"],
            {**_asset_data(asset), "device": retired[device]},
            uf_id=asset["uf_id"],
            url=f"/inventory/{device}/",
        )


def granted_nothing_committed() -> Iterator[Found]:
    limit = timezone.now() - timedelta(days=NOTHING_COMMITTED_DAYS)
    lines = PlanLine.objects.filter(
        created__lt=limit, closed=False, status=PlanLine.Status.PLANNED
    ).filter(Q(committed_amount__isnull=True) | Q(committed_amount=0))
    for line in lines.values("pk", "reference", "title", "amount", "created", "uf_id"):
        yield Found(
            line["reference"],
            {
                "line": line["reference"],
                "title": line["title"],
                "granted": _money(line["amount"]),
                "since": _day(line["created"].date()),
            },
            uf_id=line["uf_id"],
            url=f"/plan/lines/{line['pk']}/",
        )


def _differences(data: dict[str, Any]) -> str:
    names = {
        "value": _("value"),
        "uf": _("UF"),
        "commissioning": _("commissioning date"),
    }
    shown = []
    for name, books, cmms in data.get("differences", []):
        if name == "commissioning":
            books, cmms = _shown(books), _shown(cmms)
        elif name == "value":
            books, cmms = _euros(books), _euros(cmms)
        shown.append(
            _("%(what)s %(books)s in the books, %(cmms)s in the CMMS")
            % {"what": names.get(name, name), "books": books, "cmms": cmms}
        )
    return "; ".join(shown)


def _old_order_message(d: dict[str, Any]) -> str:
    values = {**d, "placed": _shown(d["placed"])}
    if d["lines"] == 1:
        return (
            _(
                "Order %(order)s (%(year)s) to %(supplier)s was placed on %(placed)s and its only "
                "line is still open."
            )
            % values
        )
    return (
        ngettext(
            "Order %(order)s (%(year)s) to %(supplier)s was placed on %(placed)s and "
            "%(open_lines)s of its %(lines)s lines is still open.",
            "Order %(order)s (%(year)s) to %(supplier)s was placed on %(placed)s and "
            "%(open_lines)s of its %(lines)s lines are still open.",
            d["open_lines"],
        )
        % values
    )


def register_checks() -> None:
    for check in (
        Check(
            code="FIN-NO-MARKET",
            level=Level.MAJOR,
            title=gettext_lazy("Order without market nor off-contract exception"),
            message=lambda d: (
                _(
                    "Order %(order)s (%(year)s) to %(supplier)s, placed on %(placed)s, has no "
                    "market number, no exception code in its purpose and no exception recorded "
                    "for the supplier on that date."
                )
                % {**d, "placed": _shown(d["placed"])}
            ),
            find=orders_without_market,
            action=Action.VIEW_FINANCE,
            owner=Role.BUYER,
            depends=(*ORDERS, "exceptions"),
        ),
        Check(
            code="FIN-ZERO-ORDER",
            level=Level.CRITICAL,
            title=gettext_lazy("Whole order at 0 €"),
            message=lambda d: (
                _("Every line of order %(order)s (%(year)s) to %(supplier)s is at 0 €.") % d
            ),
            find=orders_at_zero,
            action=Action.VIEW_FINANCE,
            owner=Role.BUYER,
            depends=ORDERS,
        ),
        Check(
            code="FIN-ZERO-LINE",
            level=Level.MAJOR,
            title=gettext_lazy("Order line at 0 €"),
            message=lambda d: (
                _("Line %(line)s of order %(order)s (%(year)s), “%(label)s”, is at 0 €.") % d
            ),
            find=lines_at_zero,
            action=Action.VIEW_FINANCE,
            owner=Role.BUYER,
            depends=ORDERS,
        ),
        Check(
            code="FIN-OLD-ORDER",
            level=Level.WARNING,
            title=gettext_lazy("Order open for more than 6 months"),
            message=_old_order_message,
            find=old_orders,
            action=Action.VIEW_FINANCE,
            owner=Role.BUYER,
            depends=ORDERS,
        ),
        Check(
            code="FIN-NOT-RECEIVED",
            level=Level.MAJOR,
            title=gettext_lazy("Order not received 90 days after it was placed"),
            message=lambda d: (
                ngettext(
                    "Order %(order)s (%(year)s) to %(supplier)s, placed on %(placed)s, still waits "
                    "for %(waiting)s line to be received.",
                    "Order %(order)s (%(year)s) to %(supplier)s, placed on %(placed)s, still waits "
                    "for %(waiting)s lines to be received.",
                    d["waiting"],
                )
                % {**d, "placed": _shown(d["placed"])}
            ),
            find=orders_not_received,
            action=Action.VIEW_FINANCE,
            owner=Role.BUYER,
            depends=ORDERS,
        ),
        Check(
            code="FIN-RECEIVED-OPEN",
            level=Level.WARNING,
            title=gettext_lazy("Line received in full but not closed"),
            message=lambda d: (
                _(
                    "Line %(line)s of order %(order)s (%(year)s), “%(label)s”, is received in full "
                    "but not closed."
                )
                % d
            ),
            find=received_not_closed,
            action=Action.VIEW_FINANCE,
            owner=Role.FINANCE,
            depends=ORDERS,
        ),
        Check(
            code="FIN-INVOICE-CLOSED",
            level=Level.MAJOR,
            title=gettext_lazy("Invoice waiting on a closed order"),
            message=lambda d: (
                _(
                    "Invoice %(invoice)s of %(supplier)s (%(amount)s) waits on order %(order)s, "
                    "whose lines are all closed."
                )
                % {**d, "amount": _euros(d["amount"])}
            ),
            find=invoices_on_closed_orders,
            action=Action.VIEW_FINANCE,
            owner=Role.FINANCE,
            depends=(*ORDERS, "finance_invoices"),
        ),
        Check(
            code="ASSET-NO-DEVICE",
            level=Level.WARNING,
            title=gettext_lazy("Fixed asset with no device in the CMMS"),
            message=lambda d: (
                _("Fixed asset %(sheet)s, “%(label)s” (%(value)s), has no device in the CMMS.")
                % {**d, "value": _euros(d["value"])}
            ),
            find=assets_without_device,
            action=Action.VIEW_FINANCE,
            owner=Role.FINANCE,
            depends=("finance_assets", "inventory"),
        ),
        Check(
            code="DEVICE-NO-ASSET",
            level=Level.INFO,
            title=gettext_lazy("Device with no fixed asset"),
            message=lambda d: _("Device %(inventory_number)s (%(device)s) has no fixed asset.") % d,
            find=devices_without_asset,
            action=Action.VIEW_FINANCE,
            owner=Role.FINANCE,
            depends=("finance_assets", "inventory"),
        ),
        Check(
            code="ASSET-DIFFERS",
            level=Level.WARNING,
            title=gettext_lazy("Fixed asset and device disagree"),
            message=lambda d: (
                _("Fixed asset %(sheet)s and device %(device)s: %(differences)s.")
                % {**d, "differences": _differences(d)}
            ),
            find=assets_differing_from_devices,
            action=Action.VIEW_FINANCE,
            owner=Role.FINANCE,
            depends=("finance_assets", "inventory"),
        ),
        Check(
            code="ASSET-RETIRED",
            level=Level.MAJOR,
            title=gettext_lazy("Retired device still on the books"),
            message=lambda d: (
                _(
                    "Device %(device)s is retired in the CMMS but its fixed asset %(sheet)s "
                    "(%(value)s) is still on the books."
                )
                % {**d, "value": _euros(d["value"])}
            ),
            find=retired_still_on_books,
            action=Action.VIEW_FINANCE,
            owner=Role.FINANCE,
            depends=("finance_assets", "inventory"),
        ),
        Check(
            code="PLAN-NOTHING-COMMITTED",
            level=Level.WARNING,
            title=gettext_lazy("Plan line granted 6 months ago with nothing committed"),
            message=lambda d: (
                _(
                    "Plan line %(line)s, “%(title)s”, granted %(granted)s on %(since)s, has "
                    "nothing committed."
                )
                % {**d, "since": _shown(d["since"]), "granted": _euros(d["granted"])}
            ),
            find=granted_nothing_committed,
            action=Action.VIEW_FINANCE,
            owner=Role.BUYER,
            depends=ORDERS,
        ),
    ):
        register(check)
