"""Read queries on markets: who sees them, their state worked out in SQL, the market plan, the
legal entities that may use one and the devices a market maintains.

Markets are the tenant's as a whole (a GHT buys for all its establishments): whoever holds a
role that buys, plans, expertises, arbitrates or pays sees every one of them, whatever the
scope of that role; buyers and administrators keep the local ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import (
    Case,
    CharField,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from saas.dates import add_months
from tenants.access.models import Role, RoleGrant
from tenants.access.permissions import Action, has_permission
from tenants.accounts.models import User
from tenants.alerts.models import AlertSettings
from tenants.inventory.models import Device
from tenants.inventory.selectors import devices_for
from tenants.markets.models import Lot, Market, MarketState, MarketUse, RenewalKind, Scope
from tenants.markets.terms import period_ends
from tenants.structure.models import Establishment

# The market plan's horizons, in months.
HORIZONS = (6, 12, 18)
DEFAULT_ALERT_MONTHS = 6


def alert_months() -> int:
    """The tenant's "ending soon" window (its alert settings), without writing a row on a
    read: the default until someone sets it."""
    months = AlertSettings.objects.filter(pk=1).values_list("market_months", flat=True).first()
    return months or DEFAULT_ALERT_MONTHS


def with_state(
    markets: QuerySet[Market], today: date | None = None, months: int | None = None
) -> QuerySet[Market]:
    """Each market with ``current_state`` (a MarketState value), in SQL so that the list filters
    and sorts on it: ended once its last day (renewals included) has passed; planned before
    its first day; ending soon when its last day falls within ``months`` (the alert setting);
    else in force. A market whose dates are unknown is in force. A central market its
    purchasing body withdrew (a tombstone) is ended, whatever its dates said."""
    today = today or timezone.localdate()
    horizon = add_months(today, alert_months() if months is None else months)
    return markets.annotate(
        current_state=Case(
            When(central_status="deleted", then=Value(MarketState.ENDED.value)),
            When(ends__lt=today, then=Value(MarketState.ENDED.value)),
            When(starts__gt=today, then=Value(MarketState.PLANNED.value)),
            When(ends__lte=horizon, then=Value(MarketState.ENDING.value)),
            default=Value(MarketState.IN_FORCE.value),
            output_field=CharField(),
        )
    )


def may_view(user: Any) -> bool:
    return has_permission(user, Action.VIEW_MARKETS)


def may_manage(user: Any) -> bool:
    """May this person create and change local markets and say who uses a market?"""
    return has_permission(user, Action.MANAGE_MARKETS)


def _lot_suppliers() -> Subquery:
    names = (
        Lot.suppliers.through.objects.filter(lot__market=OuterRef("pk"))
        .values("lot__market")
        .annotate(names=StringAgg("supplier__name", ", ", distinct=True, order_by="supplier__name"))
        .values("names")  # type: ignore[misc]
    )
    return Subquery(names, output_field=CharField())


def _lot_count() -> Subquery:
    counted = (
        Lot.objects.filter(market=OuterRef("pk"))
        .values("market")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)  # type: ignore[return-value]


def markets_for(user: Any, today: date | None = None) -> QuerySet[Market]:
    """The central markets followed and the local ones, with their state, the number of their
    lots and their suppliers' names (the list's rows); none for someone who may not see them.
    The lots' columns are subqueries that run for the rows shown only."""
    if not may_view(user):
        return Market.objects.none()
    return with_state(
        Market.objects.select_related("purchasing_body", "buyer", "expert").annotate(
            lot_count=_lot_count(), supplier_names=_lot_suppliers()
        ),
        today,
    )


def market_of(user: Any, pk: int) -> Market | None:
    return markets_for(user).filter(pk=pk).first()


def lots_of(market: Market) -> QuerySet[Lot]:
    return market.lots.prefetch_related("suppliers").order_by("number", "pk")


@dataclass(frozen=True)
class LegalEntity:
    finess: str
    name: str

    def __str__(self) -> str:
        return f"{self.name} ({self.finess})"


def legal_entities() -> list[LegalEntity]:
    """The tenant's legal entities, from its establishments (a GHT has several)."""
    rows = (
        Establishment.objects.order_by("legal_entity_name", "legal_entity_finess")
        .values_list("legal_entity_finess", "legal_entity_name")
        .distinct()
    )
    seen: dict[str, LegalEntity] = {}
    for finess, name in rows:
        seen.setdefault(finess, LegalEntity(finess, name))
    return list(seen.values())


def uses_of(market: Market) -> list[MarketUse]:
    """Who uses the market or its lots, with the legal entity's name when it is known."""
    names = {entity.finess: entity.name for entity in legal_entities()}
    uses = list(
        market.uses.select_related("lot").order_by("legal_entity_finess", "lot__number", "pk")
    )
    for use in uses:
        use.legal_entity_name = names.get(use.legal_entity_finess, "")  # type: ignore[attr-defined]
    return uses


def people_with(role: Role) -> QuerySet[User]:
    """Active people holding ``role`` (the buyers or experts a market may name)."""
    holders = RoleGrant.objects.filter(role__in=[role, Role.TENANT_ADMIN]).values("user_id")
    return User.objects.filter(is_active=True, pk__in=holders).order_by("full_name", "email")


def maintained_models(lots: Iterable[Lot]) -> set[UUID]:
    """The central device models the maintenance lots cover."""
    return {model for lot in lots if Scope.MAINTENANCE in lot.scopes for model in lot.device_models}


def devices_maintained(market: Market, user: Any) -> QuerySet[Device]:
    """The inventory's devices (that this person may see) whose reference model one of the
    market's maintenance lots covers."""
    models = Lot.objects.filter(market=market, scopes__contains=[Scope.MAINTENANCE]).values_list(
        "device_models", flat=True
    )
    covered = {model for row in models for model in row}
    if not covered:
        return Device.objects.none()
    return devices_for(user).filter(reference_model__uuid__in=covered)


def maintained_counts(markets: Iterable[Market], user: Any) -> dict[int, int]:
    """market pk -> how many devices (that this person may see) its maintenance lots cover,
    in two queries whatever the number of markets."""
    pks = [market.pk for market in markets]
    covered: dict[int, set[UUID]] = {}
    for market_id, models in Lot.objects.filter(
        market_id__in=pks, scopes__contains=[Scope.MAINTENANCE]
    ).values_list("market_id", "device_models"):
        covered.setdefault(market_id, set()).update(models)
    wanted = set().union(*covered.values()) if covered else set()
    # The inventory is open to whoever holds a role (devices_for): counted without its rows'
    # annotations.
    if not wanted or not has_permission(user, Action.VIEW_STRUCTURE):
        return {}
    per_model = dict(
        Device.objects.filter(reference_model__uuid__in=wanted)
        .values("reference_model__uuid")
        .annotate(n=Count("pk"))
        .values_list("reference_model__uuid", "n")
    )
    return {pk: sum(per_model.get(m, 0) for m in models) for pk, models in covered.items()}


# The market plan ------------------------------------------------------------------------


class Why:
    ENDS = "ends"  # no renewal left: re-tender before the last day
    EXPRESS = "express"  # an express renewal to decide before the period ends


@dataclass(frozen=True)
class PlanRow:
    market: Market
    ends: date  # the market's last day, renewals included
    decide_by: date  # the end of the current period: re-tender (or renew) before it
    renewals_left: int  # after the current period
    why: str  # Why.EXPRESS: a renewal to decide first; Why.ENDS: to re-tender


@dataclass(frozen=True)
class MarketPlan:
    months: int
    horizon: date
    rows: list[PlanRow]  # to re-tender or renew within the horizon, soonest decision first
    counts: dict[int, int]  # horizon (months) -> markets ending within it
    retender_counts: dict[int, int]  # horizon -> markets to re-tender or renew within it

    @property
    def ending(self) -> list[PlanRow]:
        return [row for row in self.rows if row.ends <= self.horizon]


def _periods_left(market: Market, today: date) -> list[date]:
    """The ends of the market's periods from the current one on. Dates the terms do not
    explain (a central market brings its end alone) count as one period."""
    assert market.ends is not None
    periods = period_ends(
        market.starts, market.duration_months, market.renewals, market.renewal_months
    )
    if not periods or periods[-1] != market.ends:
        periods = [market.ends]
    return [day for day in periods if day >= today] or [market.ends]


def _plan_row(market: Market, today: date, horizon: date) -> PlanRow | None:
    """The market's row in a plan up to ``horizon``; None when nothing happens to it by then.
    An express renewal whose period ends by then: to decide first (renew, or re-tender). Its
    last day by then (any tacit renewal before it renews on its own): to re-tender."""
    assert market.ends is not None
    periods = _periods_left(market, today)
    decide_by, left = periods[0], len(periods) - 1
    why = ""
    if left and market.renewal_kind == RenewalKind.EXPRESS and decide_by <= horizon:
        why = Why.EXPRESS
    elif market.ends <= horizon:
        why = Why.ENDS
    if not why:
        return None
    return PlanRow(market, market.ends, decide_by, left, why)


def market_plan(user: Any, months: int, today: date | None = None) -> MarketPlan:
    """What ends within ``months`` (and within each of HORIZONS), and what must be re-tendered
    or renewed by then: a market whose last day falls within the horizon (no renewal left),
    or whose current period ends within it with an express renewal to decide. A tacit
    renewal left renews on its own: nothing to do before the last period."""
    today = today or timezone.localdate()
    longest = add_months(today, max(months, *HORIZONS))
    if not may_view(user):
        return MarketPlan(
            months,
            add_months(today, months),
            [],
            dict.fromkeys(HORIZONS, 0),
            dict.fromkeys(HORIZONS, 0),
        )
    # Without the list's lot columns: the plan shows every row, not a page of them.
    candidates = list(
        Market.objects.select_related("purchasing_body")
        .filter(ends__gte=today)
        .filter(
            Q(ends__lte=longest)
            | Q(renewal_kind=RenewalKind.EXPRESS, renewals__gt=0, starts__isnull=False)
        )
        .order_by("ends", "reference", "pk")
    )
    horizons = {h: add_months(today, h) for h in {months, *HORIZONS}}
    rows_by_horizon = {
        h: [row for m in candidates if (row := _plan_row(m, today, day)) is not None]
        for h, day in horizons.items()
    }
    rows = sorted(rows_by_horizon[months], key=lambda row: (row.decide_by, row.ends))
    return MarketPlan(
        months=months,
        horizon=horizons[months],
        rows=rows,
        counts={h: sum(1 for r in rows_by_horizon[h] if r.ends <= horizons[h]) for h in HORIZONS},
        retender_counts={h: len(rows_by_horizon[h]) for h in HORIZONS},
    )
