"""Read queries of purchasing: who sees which request and file, budgets used, the
off-contract spending by supplier and year."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear, Round
from django.utils import timezone

from tenants.access.permissions import Action, has_permission, scope_filter
from tenants.markets.models import Supplier
from tenants.plan.models import PlanLine
from tenants.purchasing import rules
from tenants.purchasing.models import (
    COMMITTING_STATES,
    SPENDING_STATES,
    DocumentJob,
    OffContractException,
    OrderLine,
    PurchaseFile,
    PurchaseRequest,
)

MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=16, decimal_places=2)


def _visible_plan_lines(user: Any) -> Q:
    return scope_filter(
        user, Action.VIEW_PURCHASES, "plan_line__uf", domain_path="plan_line__request__domain_id"
    )


def requests_for(user: Any) -> QuerySet[PurchaseRequest]:
    """The purchase requests with a line on the person's scopes, and those they drafted."""
    if not has_permission(user, Action.VIEW_PURCHASES):
        return PurchaseRequest.objects.none()
    seen = OrderLine.objects.filter(_visible_plan_lines(user)).values("request_id")
    return PurchaseRequest.objects.filter(Q(pk__in=seen) | Q(created_by=user)).select_related(
        "supplier", "market__purchasing_body", "lot", "exception", "file", "created_by"
    )


def order_lines_for(user: Any) -> QuerySet[OrderLine]:
    """The order lines on the person's scopes (a request's other lines may not be)."""
    if not has_permission(user, Action.VIEW_PURCHASES):
        return OrderLine.objects.none()
    return OrderLine.objects.filter(_visible_plan_lines(user))


def files_for(user: Any) -> QuerySet[PurchaseFile]:
    """The purchase files with a plan line on the person's scopes, and those they lead or
    take part in."""
    if not has_permission(user, Action.VIEW_PURCHASES):
        return PurchaseFile.objects.none()
    keep = scope_filter(user, Action.VIEW_PURCHASES, "uf", domain_path="request__domain_id")
    seen = PlanLine.objects.filter(keep).values("pk")
    return (
        PurchaseFile.objects.filter(
            Q(plan_lines__in=seen) | Q(lead=user) | Q(participants=user) | Q(created_by=user)
        )
        .distinct()
        .select_related("lead")
    )


def exceptions_for(user: Any) -> QuerySet[OffContractException]:
    """Exceptions concern suppliers, not places: whoever follows purchases sees them all."""
    if not has_permission(user, Action.VIEW_PURCHASES):
        return OffContractException.objects.none()
    return OffContractException.objects.select_related("supplier", "next_market", "created_by")


def exception_page(user: Any, exception: OffContractException) -> dict[str, Any]:
    """What an exception's page shows this person: the purchase requests they may see that are
    made under it, whether it has expired, and whether they may change it."""
    return {
        "requests": requests_for(user).filter(exception=exception).order_by("-created"),
        "expired": exception.valid_until < timezone.localdate(),
        "may_edit": rules.may_manage_exceptions(user),
        "may_view_market": has_permission(user, Action.VIEW_MARKETS),
    }


def line_total_incl_vat() -> ExpressionWrapper:
    """An order line's total including VAT, rounded to the cent as ``OrderLine`` does."""
    excl = Round(F("quantity") * F("unit_price"), 2)
    return ExpressionWrapper(Round(excl + excl * F("vat_rate") / Value(100), 2), MONEY)


def line_total_excl_vat() -> ExpressionWrapper:
    return ExpressionWrapper(Round(F("quantity") * F("unit_price"), 2), MONEY)


def used_budgets(plan_line_ids: Iterable[int], *, but: int | None = None) -> dict[int, Decimal]:
    """What the purchase requests still under way or ordered already draw on each plan line,
    including VAT (the request ``but`` left out: the one being edited)."""
    lines = OrderLine.objects.filter(
        plan_line_id__in=list(plan_line_ids), request__state__in=COMMITTING_STATES
    )
    if but is not None:
        lines = lines.exclude(request_id=but)
    rows = lines.values("plan_line_id").annotate(used=Sum(line_total_incl_vat()))
    return {row["plan_line_id"]: row["used"] or Decimal("0.00") for row in rows}


def remaining_budget(line: PlanLine, *, but: int | None = None) -> Decimal:
    return line.amount - used_budgets([line.pk], but=but).get(line.pk, Decimal("0.00"))


def requests_of_line(line: PlanLine, user: Any) -> list[PurchaseRequest]:
    return list(requests_for(user).filter(lines__plan_line=line).distinct().order_by("-created"))


# The off-contract spending ---------------------------------------------------------------

# (supplier id, year) -> amount excluding VAT
Amounts = dict[tuple[int, int], Decimal]


def spending_from_requests() -> Amounts:
    """Off-contract purchase requests validated and sent or ordered, excluding VAT, by
    supplier and year of their quote date (the thresholds of public procurement are counted
    excluding VAT)."""
    rows = (
        OrderLine.objects.filter(
            request__exception__isnull=False, request__state__in=SPENDING_STATES
        )
        .values("request__supplier_id", year=ExtractYear("request__quote_date"))
        .annotate(
            amount=Coalesce(Sum(line_total_excl_vat()), Value(Decimal("0")), output_field=MONEY)
        )
    )
    return {(row["request__supplier_id"], row["year"]): row["amount"] for row in rows}


def spending_from_finance() -> Amounts:
    """The seam for the finance system's import: the orders it brings that were made off
    contract, by supplier and year. Nothing imports them yet; once it does, this returns
    those amounts (excluding VAT) and the table adds them to the requests' own."""
    return {}


# Each source of off-contract spending; the table sums them. The finance import adds its own
# through ``spending_from_finance`` (or registers another function here).
SPENDING_SOURCES: list[Callable[[], Amounts]] = [spending_from_requests, spending_from_finance]


@dataclass
class SpendingRow:
    supplier: Supplier
    amounts: list[Decimal]
    total: Decimal


@dataclass
class SpendingTable:
    years: list[int]
    rows: list[SpendingRow] = field(default_factory=list)
    totals: list[Decimal] = field(default_factory=list)
    total: Decimal = Decimal("0.00")


def spending_table(year_from: int | None = None, year_to: int | None = None) -> SpendingTable:
    """Off-contract spending by supplier (rows) and year (columns), from every source."""
    summed: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for source in SPENDING_SOURCES:
        for key, amount in source().items():
            summed[key] += amount
    keys = [
        key
        for key in summed
        if (year_from is None or key[1] >= year_from) and (year_to is None or key[1] <= year_to)
    ]
    years = sorted({year for _supplier, year in keys})
    suppliers = Supplier.objects.in_bulk({supplier for supplier, _year in keys})
    table = SpendingTable(years=years)
    for supplier in sorted(suppliers.values(), key=lambda s: s.name.casefold()):
        amounts = [summed.get((supplier.pk, year), Decimal("0.00")) for year in years]
        table.rows.append(SpendingRow(supplier, amounts, sum(amounts, Decimal("0.00"))))
    table.totals = [
        sum((row.amounts[i] for row in table.rows), Decimal("0.00")) for i in range(len(years))
    ]
    table.total = sum(table.totals, Decimal("0.00"))
    return table


def last_document_job(item: PurchaseRequest) -> DocumentJob | None:
    """The last time the request's documents were asked for, and how it went."""
    return item.document_jobs.select_related("requested_by").first()
