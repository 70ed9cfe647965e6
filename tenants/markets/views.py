"""The markets' pages: the list of central and local markets, a market's page (its lots, who
uses it, the devices it maintains), the forms of a local market and its lots, and the market
plan."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from saas.errors import UserError, sentence, show_on_form
from saas.forms import posted_version
from tenants.access.permissions import Action, permission_required, require
from tenants.accounts.models import User
from tenants.markets import services
from tenants.markets.filters import MarketFilter
from tenants.markets.forms import LotForm, MarketForm, ReferenceForm, SupplierForm, UseForm
from tenants.markets.models import (
    Lot,
    Market,
    MarketState,
    MarketUse,
    Origin,
    RenewalKind,
    Scope,
    Supplier,
)
from tenants.markets.sections import MARKET_SECTIONS, PLAN_ROW_SECTIONS
from tenants.markets.selectors import (
    HORIZONS,
    devices_maintained,
    lots_of,
    maintained_counts,
    market_of,
    market_plan,
    markets_for,
    may_manage,
    may_view,
    uses_of,
)
from tenants.markets.tables import MARKET_COLOURS, MARKET_COLUMNS, STATE_BADGES, MarketTable
from tenants.tables.listing import ListPage, register
from tenants.tables.views import render_list

MARKETS = register(
    ListPage(
        key="markets.markets",
        url_name="markets:market_list",
        title=gettext_lazy("Markets"),
        table_class=MarketTable,
        filterset_class=MarketFilter,
        rows=markets_for,
        default_columns=MARKET_COLUMNS,
        can_view=may_view,
        row_colours=MARKET_COLOURS,
    )
)
DEVICES_SHOWN = 50


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@login_required
def market_list(request: HttpRequest) -> HttpResponseBase:
    require(_user(request), Action.VIEW_MARKETS)
    return render_list(
        request,
        MARKETS,
        template="markets/market_list.html",
        extra={"can_manage": may_manage(_user(request))},
    )


def _market(request: HttpRequest, pk: int) -> Market:
    if not may_view(_user(request)):
        raise PermissionDenied("markets are for the people who buy and plan")
    market = market_of(_user(request), pk)
    if market is None:
        raise Http404("no such market")
    return market


def _local(request: HttpRequest, pk: int) -> Market:
    """A local market this person may change (a central one: its page)."""
    market = _market(request, pk)
    if not may_manage(_user(request)):
        raise PermissionDenied("only buyers change markets")
    if market.is_central:
        raise Http404("a central market is changed by its purchasing body")
    return market


def _refuse_on_form(form: forms.Form, refused: UserError, request: HttpRequest) -> None:
    if refused.field in form.fields:
        show_on_form(refused, form)
    else:
        messages.error(request, sentence(refused.reason))


def _version(request: HttpRequest) -> int:
    return posted_version(
        request.POST,
        services.Refused("version", _("the page sent no version of the market: reload it")),
    )


def scope_labels(lot: Lot) -> list[str]:
    return [str(Scope(scope).label) for scope in lot.scopes if scope in Scope.values]


def _context(
    request: HttpRequest, market: Market, bound: dict[str, forms.Form] | None = None
) -> dict[str, Any]:
    user = _user(request)
    bound = bound or {}
    manages = may_manage(user)
    devices = devices_maintained(market, user)
    uses = uses_of(market)
    state = MarketState(market.current_state)  # type: ignore[attr-defined]
    return {
        "market": market,
        "state_badge": STATE_BADGES[state],
        "state_label": state.label,
        "manages": manages,
        "editable": manages and not market.is_central,
        "lots": [(lot, scope_labels(lot)) for lot in lots_of(market)],
        "uses": [
            (
                use,
                ReferenceForm(
                    initial={"local_reference": use.local_reference}, prefix=f"use{use.pk}"
                ),
            )
            for use in uses
        ],
        "use_form": (bound.get("use") or UseForm(market=market, prefix="use")) if manages else None,
        "devices": devices.order_by("inventory_number")[:DEVICES_SHOWN],
        "device_count": devices.count(),
        "devices_shown": DEVICES_SHOWN,
        "sections": MARKET_SECTIONS.render(market, user),
    }


@login_required
def market_detail(request: HttpRequest, pk: int) -> HttpResponse:
    market = _market(request, pk)
    return render(request, "markets/market_detail.html", _context(request, market))


@permission_required(Action.MANAGE_MARKETS)
def market_new(request: HttpRequest) -> HttpResponse:
    form = MarketForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                market = services.create_market(form.cleaned_data, by=_user(request))
            except UserError as refused:
                _refuse_on_form(form, refused, request)
                status = refused.status
            else:
                messages.success(request, _("Market %(ref)s recorded.") % {"ref": market.reference})
                return redirect(market)
    return render(request, "markets/market_form.html", {"form": form}, status=status)


@login_required
def market_edit(request: HttpRequest, pk: int) -> HttpResponse:
    market = _local(request, pk)
    context: dict[str, Any] = {"market": market}
    if request.method != "POST":
        initial = {name: getattr(market, name) for name in services.MARKET_FIELDS}
        initial.update(buyer=market.buyer_id, expert=market.expert_id)
        context["form"] = MarketForm(initial=initial)
        return render(request, "markets/market_form.html", context)
    form = MarketForm(request.POST)
    context["form"] = form
    status = 400
    try:
        version = _version(request)
        if form.is_valid():
            services.update_market(
                market, form.cleaned_data, by=_user(request), expected_version=version
            )
            messages.success(request, _("Saved."))
            return redirect(market)
    except UserError as refused:
        _refuse_on_form(form, refused, request)
        status = refused.status
    market.refresh_from_db()
    return render(request, "markets/market_form.html", context, status=status)


def _lot_page(
    request: HttpRequest, market: Market, lot: Lot | None, form: LotForm, status: int = 200
) -> HttpResponse:
    context = {"market": market, "lot": lot, "form": form}
    return render(request, "markets/lot_form.html", context, status=status)


@login_required
def lot_new(request: HttpRequest, pk: int) -> HttpResponse:
    market = _local(request, pk)
    if request.method != "POST":
        return _lot_page(request, market, None, LotForm(initial={"starts": market.starts}))
    form = LotForm(request.POST)
    status = 400
    try:
        version = _version(request)
        if form.is_valid():
            lot = services.create_lot(
                market, form.cleaned_data, by=_user(request), expected_version=version
            )
            messages.success(request, _("Lot %(number)s added.") % {"number": lot.number})
            return redirect(market)
    except UserError as refused:
        _refuse_on_form(form, refused, request)
        status = refused.status
    market.refresh_from_db()
    return _lot_page(request, market, None, form, status)


def _lot(request: HttpRequest, pk: int) -> Lot:
    lot = get_object_or_404(Lot.objects.select_related("market"), pk=pk)
    _local(request, lot.market_id)
    return lot


@login_required
def lot_edit(request: HttpRequest, pk: int) -> HttpResponse:
    lot = _lot(request, pk)
    market = _local(request, lot.market_id)
    if request.method != "POST":
        return _lot_page(request, market, lot, LotForm(initial=LotForm.initial_of(lot)))
    form = LotForm(request.POST)
    status = 400
    try:
        version = _version(request)
        if form.is_valid():
            services.update_lot(lot, form.cleaned_data, by=_user(request), expected_version=version)
            messages.success(request, _("Saved."))
            return redirect(market)
    except UserError as refused:
        _refuse_on_form(form, refused, request)
        status = refused.status
    market.refresh_from_db()
    return _lot_page(request, market, lot, form, status)


@login_required
@require_POST
def lot_delete(request: HttpRequest, pk: int) -> HttpResponse:
    lot = _lot(request, pk)
    try:
        services.delete_lot(lot, by=_user(request), expected_version=_version(request))
    except UserError as refused:
        messages.error(request, sentence(refused.reason))
        return redirect(lot.market)
    messages.success(request, _("Lot %(number)s removed.") % {"number": lot.number})
    return redirect(lot.market)


@login_required
@require_POST
def use_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A legal entity uses the market or one of its lots, under its own reference."""
    market = _market(request, pk)
    if not may_manage(_user(request)):
        raise PermissionDenied("only buyers say who uses a market")
    form = UseForm(request.POST, market=market, prefix="use")
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.set_use(
                market,
                legal_entity_finess=data["legal_entity_finess"],
                lot=data["lot"],
                local_reference=data["local_reference"],
                by=_user(request),
            )
        except UserError as refused:
            _refuse_on_form(form, refused, request)
            status = refused.status
        else:
            messages.success(request, _("Saved."))
            return redirect(market)
    return render(
        request,
        "markets/market_detail.html",
        _context(request, market, {"use": form}),
        status=status,
    )


@login_required
@require_POST
def use_change(request: HttpRequest, pk: int) -> HttpResponse:
    """A use's own reference changed in its row, or the use removed."""
    if not may_manage(_user(request)):
        raise PermissionDenied("only buyers say who uses a market")
    use = get_object_or_404(MarketUse.objects.select_related("market", "lot"), pk=pk)
    market = _market(request, use.market_id)
    try:
        if request.POST.get("action") == "remove":
            services.remove_use(use, by=_user(request))
            messages.success(request, _("Removed."))
            return redirect(market)
        form = ReferenceForm(request.POST, prefix=f"use{use.pk}")
        if not form.is_valid():
            messages.error(request, sentence(_("the reference is too long")))
            return redirect(market)
        services.set_use(
            market,
            legal_entity_finess=use.legal_entity_finess,
            lot=use.lot,
            local_reference=form.cleaned_data["local_reference"],
            by=_user(request),
        )
    except UserError as refused:
        messages.error(request, sentence(refused.reason))
        return render(
            request,
            "markets/market_detail.html",
            _context(request, market),
            status=refused.status,
        )
    messages.success(request, _("Saved."))
    return redirect(market)


def _months(request: HttpRequest) -> int:
    raw = request.GET.get("months", "")
    return int(raw) if raw in {str(h) for h in HORIZONS} else HORIZONS[0]


@permission_required(Action.VIEW_MARKETS)
def plan(request: HttpRequest) -> HttpResponse:
    """What ends within 6, 12 or 18 months, and what must be re-tendered (or renewed) by then."""
    user = _user(request)
    months = _months(request)
    found = market_plan(user, months)
    markets = [row.market for row in found.rows]
    counts = maintained_counts(markets, user)
    origins = dict(Origin.choices)
    renewals = dict(RenewalKind.choices)
    # Worked out once per row here: the plan shows every row, the template only prints.
    rows = [
        {
            "row": row,
            "url": row.market.get_absolute_url(),
            "origin": origins.get(row.market.origin, ""),
            "renewal": renewals.get(row.market.renewal_kind, "") if row.renewals_left else "",
            "devices": counts.get(row.market.pk, 0),
            "sections": PLAN_ROW_SECTIONS.render(row.market, user),
        }
        for row in found.rows
    ]
    context = {
        "plan": found,
        "months": months,
        "rows": rows,
        "horizons": [(h, found.counts[h], found.retender_counts[h]) for h in HORIZONS],
    }
    return render(request, "markets/market_plan.html", context)


SUPPLIER_FIELDS = ("name", "siren", "address_line1", "address_line2", "postcode", "city", "country")


@login_required
def supplier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A supplier: its details and postal address; a buyer changes those of a supplier the
    hospital recorded (a central one's are the reference server's, shown read-only)."""
    if not may_view(_user(request)):
        raise PermissionDenied("markets are for the people who buy and plan")
    supplier = get_object_or_404(Supplier, pk=pk)
    editable = may_manage(_user(request)) and not supplier.is_central
    status = 200
    form = SupplierForm(initial={name: getattr(supplier, name) for name in SUPPLIER_FIELDS})
    if request.method == "POST":
        form = SupplierForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                services.update_supplier(supplier, form.cleaned_data, by=_user(request))
            except UserError as refused:
                _refuse_on_form(form, refused, request)
                status = refused.status
            else:
                messages.success(request, _("Saved."))
                return redirect("markets:supplier_detail", pk=supplier.pk)
    return render(
        request,
        "markets/supplier_detail.html",
        {
            "supplier": supplier,
            "form": form if editable else None,
            "lots": supplier.lots.select_related("market__purchasing_body").order_by(
                "market__reference", "number"
            ),
        },
        status=status,
    )
