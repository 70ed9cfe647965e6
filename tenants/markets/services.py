"""Keeping the hospital's own markets: a local market and its lots created and changed, and
which legal entities use a market (central or local) under which reference of their own.

Central markets are the reference server's: their terms and lots are written by the sync
alone, and refused here; only their uses are the hospital's. Each action is one transaction;
a change to a market or to one of its lots locks the market and refuses a change made on an
older version (``expected_version``). A refusal names the field and changes nothing.

A local market's ``ends`` is worked out from its terms (``end_of``: start, duration, and each
renewal); one without a duration may say its last day itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _

from saas.dates import end_of
from saas.errors import UserError
from tenants.access.models import Role
from tenants.accounts.models import User
from tenants.markets.models import (
    Lot,
    Market,
    MarketUse,
    Origin,
    Procedure,
    RenewalKind,
    Scope,
    Supplier,
)
from tenants.markets.selectors import legal_entities, may_manage, people_with
from tenants.markets.sync import ADDRESS_FIELDS

__all__ = ["end_of"]  # the model's docs name it here

SHORT_LIMIT = 100
TITLE_LIMIT = 300
NOTE_LIMIT = 5000
NUMBER_LIMIT = 20
SUPPLIER_LIMIT = 200
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
MAX_DURATION = 240  # months: no public market runs twenty years
MAX_RENEWALS = 20
MAX_AMOUNT = Decimal("999999999999.99")  # the column's 14 digits
MAX_QUANTITY = 2_000_000_000
MAX_MODELS = 500

MARKET_FIELDS = (
    "reference",
    "title",
    "procedure",
    "notified_on",
    "starts",
    "duration_months",
    "renewals",
    "renewal_months",
    "renewal_kind",
    "ends",
    "min_amount",
    "max_amount",
    "min_quantity",
    "max_quantity",
    "buyer",
    "expert",
    "note",
)
LOT_FIELDS = (
    "number",
    "title",
    "scopes",
    "suppliers",
    "device_models",
    "starts",
    "duration_months",
    "renewals",
    "renewal_months",
    "ends",
    "min_amount",
    "max_amount",
    "min_quantity",
    "max_quantity",
)


class Refused(UserError):
    """A market change refused: who may not (403), a central market or someone acting
    meanwhile (409), or what was typed (400)."""


# What was typed ---------------------------------------------------------------------------


def _text(value: Any, field: str, limit: int, *, required: bool = False) -> str:
    text = str(value or "").strip()
    if limit <= TITLE_LIMIT:
        text = " ".join(text.split())
    if "\x00" in text:
        raise Refused(field, _("contains a character that is not text"))
    if len(text) > limit:
        raise Refused(field, _("is too long (%(limit)s characters at most)") % {"limit": limit})
    if required and not text:
        raise Refused(field, _("is required"))
    return text


def _date(value: Any, field: str) -> date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, date):
        raise Refused(field, _("not a date (e.g. 24/11/2027)"))
    if not EARLIEST <= value <= LATEST:
        raise Refused(field, _("must be between 2000 and 2100"))
    return value


def _whole(value: Any, field: str, low: int, high: int) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise Refused(field, _("not a whole number"))
    if not low <= value <= high:
        raise Refused(field, _("must be between %(low)s and %(high)s") % {"low": low, "high": high})
    return value


def _amount(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as error:
        raise Refused(field, _("not an amount")) from error
    if not amount.is_finite() or not Decimal(0) <= amount <= MAX_AMOUNT:
        raise Refused(field, _("must be between 0 and 999,999,999,999.99 €"))
    return amount.quantize(Decimal("0.01"))


def _choice(value: Any, field: str, choices: Iterable[str]) -> str:
    value = str(value or "")
    if value and value not in set(choices):
        raise Refused(field, _("is not one of the choices"))
    return value


def _person(value: Any, field: str, role: Role) -> User | None:
    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, User) else value
    person = people_with(role).filter(pk=pk).first() if isinstance(pk, int) else None
    if person is None:
        raise Refused(field, _("this person does not hold the role"))
    return person


def _bounds(values: dict[str, Any], low: str, high: str) -> None:
    if values[low] is not None and values[high] is not None and values[low] > values[high]:
        raise Refused(high, _("cannot be less than the minimum"))


def _terms(data: Mapping[str, Any], shown_ends: date | None = None) -> dict[str, Any]:
    """The dates, renewals and bounds a market and a lot share, checked, with ``ends``.

    With a start and a duration, the end follows from them and the renewals: the end the
    form showed (``shown_ends``, the stored one) left as it was moves with a new duration; an
    end typed that says otherwise is refused, naming the day it should be. Without a
    duration, the end typed is kept."""
    values: dict[str, Any] = {
        "starts": _date(data.get("starts"), "starts"),
        "duration_months": _whole(data.get("duration_months"), "duration_months", 1, MAX_DURATION),
        "renewals": _whole(data.get("renewals"), "renewals", 0, MAX_RENEWALS) or 0,
        "renewal_months": _whole(data.get("renewal_months"), "renewal_months", 1, MAX_DURATION),
        "min_amount": _amount(data.get("min_amount"), "min_amount"),
        "max_amount": _amount(data.get("max_amount"), "max_amount"),
        "min_quantity": _whole(data.get("min_quantity"), "min_quantity", 0, MAX_QUANTITY),
        "max_quantity": _whole(data.get("max_quantity"), "max_quantity", 0, MAX_QUANTITY),
    }
    if values["renewals"] and values["renewal_months"] is None:
        raise Refused("renewal_months", _("is required when the market may be renewed"))
    if values["duration_months"] is not None and values["starts"] is None:
        raise Refused("starts", _("is required to work out the end from the duration"))
    computed = end_of(
        values["starts"], values["duration_months"], values["renewals"], values["renewal_months"]
    )
    typed = _date(data.get("ends"), "ends")
    if computed is not None and typed is not None and typed not in (computed, shown_ends):
        raise Refused(
            "ends",
            _(
                "does not match the start, the duration and the renewals, which end it on "
                "%(day)s: type that day or leave the end empty"
            )
            % {"day": computed.strftime("%d/%m/%Y")},
        )
    ends = computed or typed
    if ends is not None and values["starts"] is not None and ends < values["starts"]:
        raise Refused(
            "ends",
            _("cannot come before the start date (%(start)s)")
            % {"start": values["starts"].strftime("%d/%m/%Y")},
        )
    if ends is not None and ends > LATEST:
        raise Refused("duration_months", _("the market would end after 2100"))
    values["ends"] = ends
    _bounds(values, "min_amount", "max_amount")
    _bounds(values, "min_quantity", "max_quantity")
    return values


def _market_values(data: Mapping[str, Any], shown_ends: date | None = None) -> dict[str, Any]:
    values = _terms(data, shown_ends)
    values.update(
        reference=_text(data.get("reference"), "reference", SHORT_LIMIT, required=True),
        title=_text(data.get("title"), "title", TITLE_LIMIT, required=True),
        procedure=_choice(data.get("procedure"), "procedure", Procedure.values),
        notified_on=_date(data.get("notified_on"), "notified_on"),
        renewal_kind=_choice(data.get("renewal_kind"), "renewal_kind", RenewalKind.values),
        buyer=_person(data.get("buyer"), "buyer", Role.BUYER),
        expert=_person(data.get("expert"), "expert", Role.EXPERT),
        note=_text(data.get("note"), "note", NOTE_LIMIT),
    )
    if values["renewals"] and not values["renewal_kind"]:
        raise Refused("renewal_kind", _("say whether the renewal is tacit or express"))
    return values


def _supplier_names(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.splitlines()
    names: dict[str, str] = {}
    for raw in value or []:
        name = _text(raw, "suppliers", SUPPLIER_LIMIT)
        if name:
            names.setdefault(name.upper(), name)
    return list(names.values())


def _models(value: Any) -> list[uuid.UUID]:
    if isinstance(value, str):
        value = value.split()
    found: list[uuid.UUID] = []
    for raw in value or []:
        if isinstance(raw, uuid.UUID):
            found.append(raw)
            continue
        try:
            found.append(uuid.UUID(str(raw).strip()))
        except ValueError as error:
            raise Refused("device_models", _("not a model identifier")) from error
    if len(found) > MAX_MODELS:
        raise Refused("device_models", _("too many models"))
    return list(dict.fromkeys(found))


def _lot_values(data: Mapping[str, Any], shown_ends: date | None = None) -> dict[str, Any]:
    values = _terms(data, shown_ends)
    scopes = data.get("scopes") or []
    if isinstance(scopes, str):
        scopes = [scopes]
    values.update(
        number=_text(data.get("number"), "number", NUMBER_LIMIT, required=True),
        title=_text(data.get("title"), "title", TITLE_LIMIT, required=True),
        scopes=list(dict.fromkeys(_choice(s, "scopes", Scope.values) for s in scopes)),
        device_models=_models(data.get("device_models")),
    )
    return values


# Who may, on which market -----------------------------------------------------------------


def _require_manager(by: User) -> None:
    if not may_manage(by):
        raise Refused("", _("you may not change markets"), status=403)


def _locked(market: Market, by: User, expected_version: int | None, *, local: bool) -> Market:
    _require_manager(by)
    locked = Market.objects.select_for_update().get(pk=market.pk)
    if local and locked.origin != Origin.LOCAL:
        raise Refused(
            "",
            _("a central market is the purchasing body's: only who uses it is kept here"),
            status=409,
        )
    if expected_version is not None and locked.version != expected_version:
        raise Refused(
            "version", _("someone changed this market since you opened it: reload it"), status=409
        )
    return locked


def _bump(market: Market) -> Market:
    Market.objects.filter(pk=market.pk).update(version=F("version") + 1, updated=timezone.now())
    market.refresh_from_db()
    return market


def _refuse_duplicate(reference: str, but: int | None = None) -> None:
    same = Market.objects.filter(origin=Origin.LOCAL).annotate(ref=Upper("reference"))
    same = same.filter(ref=reference.upper())
    if but is not None:
        same = same.exclude(pk=but)
    if same.exists():
        raise Refused("reference", _("another local market has this reference"), status=409)


# Markets ----------------------------------------------------------------------------------


@transaction.atomic
def create_market(data: Mapping[str, Any], *, by: User) -> Market:
    """A local market of the hospital."""
    _require_manager(by)
    values = _market_values(data)
    _refuse_duplicate(values["reference"])
    try:
        with transaction.atomic():
            return Market.objects.create(origin=Origin.LOCAL, **values)
    except IntegrityError as error:  # the same reference saved meanwhile
        raise Refused(
            "reference", _("another local market has this reference"), status=409
        ) from error


@transaction.atomic
def update_market(
    market: Market, data: Mapping[str, Any], *, by: User, expected_version: int | None
) -> Market:
    market = _locked(market, by, expected_version, local=True)
    values = _market_values(data, market.ends)
    _refuse_duplicate(values["reference"], but=market.pk)
    for name, value in values.items():
        setattr(market, name, value)
    market.version += 1
    try:
        with transaction.atomic():
            market.save()
    except IntegrityError as error:
        raise Refused(
            "reference", _("another local market has this reference"), status=409
        ) from error
    return market


# Lots -------------------------------------------------------------------------------------


def _save_lot(lot: Lot, values: dict[str, Any]) -> Lot:
    names = values.pop("suppliers")
    for name, value in values.items():
        setattr(lot, name, value)
    try:
        with transaction.atomic():
            lot.save()
    except IntegrityError as error:
        raise Refused("number", _("this market already has a lot with this number")) from error
    lot.suppliers.set(_suppliers(names))
    return lot


def _known_suppliers(names: list[str]) -> dict[str, Supplier]:
    """The suppliers already recorded under these names, whatever their case, by upper name."""
    return {
        s.name.upper(): s
        for s in Supplier.objects.annotate(key=Upper("name")).filter(
            key__in=[n.upper() for n in names]
        )
    }


def create_supplier(name: str, *, model: Any = None, **fields: Any) -> Any:
    """A supplier recorded. Race-safe: another transaction recording the same name (whatever
    its case) between the caller's look-up and this insert wins the unique constraint, and its
    row is the one returned. The sync (``tenants.markets.sync``) records the suppliers the
    central lots name through here too, with its ``model``."""
    model = model or Supplier
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction survives a conflict
            return model.objects.create(name=name, **fields)
    except IntegrityError:
        found = model.objects.filter(name__iexact=name).first()
        if found is None:  # another constraint than the name's
            raise
        return found


def _suppliers(names: list[str]) -> list[Supplier]:
    """The suppliers named, the ones the hospital does not know yet recorded."""
    known = _known_suppliers(names)
    found = []
    for name in names:
        supplier = known.get(name.upper())
        if supplier is None:
            supplier = create_supplier(name)
            known[name.upper()] = supplier
        found.append(supplier)
    return found


@transaction.atomic
def update_supplier(supplier: Supplier, data: Mapping[str, Any], *, by: User) -> Supplier:
    """A supplier a buyer recorded: its name, SIREN and postal address (the order letter's).
    One the central lots brought is the reference server's: its name, SIREN and address
    come with the sync, and are refused here (409)."""
    _require_manager(by)
    supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
    if supplier.is_central:
        raise Refused(
            "",
            _("this supplier comes from the reference server: its details are changed there"),
            status=409,
        )
    name = _text(data.get("name"), "name", SUPPLIER_LIMIT, required=True)
    siren = "".join(_text(data.get("siren"), "siren", 20).split())
    if siren and not (siren.isdigit() and len(siren) == 9):
        raise Refused("siren", _("a SIREN number has nine digits"))
    address = {
        field: _text(data.get(field), field, limit) for field, limit in ADDRESS_FIELDS.items()
    }
    address["country"] = address["country"] or "France"
    duplicate = _("another supplier already has this name, whatever its case")
    if Supplier.objects.filter(name__iexact=name).exclude(pk=supplier.pk).exists():
        raise Refused("name", duplicate, status=409)
    supplier.name, supplier.siren = name, siren
    for field, value in address.items():
        setattr(supplier, field, value)
    try:
        with transaction.atomic():
            supplier.save()
    except IntegrityError as error:  # the same name saved meanwhile
        raise Refused("name", duplicate, status=409) from error
    return supplier


def _refuse_same_number(market: Market, number: str, but: int | None = None) -> None:
    same = Lot.objects.filter(market=market, number=number)
    if but is not None:
        same = same.exclude(pk=but)
    if same.exists():
        raise Refused("number", _("this market already has a lot with this number"))


@transaction.atomic
def create_lot(
    market: Market, data: Mapping[str, Any], *, by: User, expected_version: int | None
) -> Lot:
    """A lot of a local market; the market's version moves on (its page changed)."""
    market = _locked(market, by, expected_version, local=True)
    values = _lot_values(data)
    values["suppliers"] = _supplier_names(data.get("suppliers"))
    _refuse_same_number(market, values["number"])
    lot = _save_lot(Lot(market=market), values)
    _bump(market)
    return lot


@transaction.atomic
def update_lot(lot: Lot, data: Mapping[str, Any], *, by: User, expected_version: int | None) -> Lot:
    market = _locked(lot.market, by, expected_version, local=True)
    lot = Lot.objects.select_for_update().get(pk=lot.pk, market=market)
    values = _lot_values(data, lot.ends)
    values["suppliers"] = _supplier_names(data.get("suppliers"))
    _refuse_same_number(market, values["number"], but=lot.pk)
    lot = _save_lot(lot, values)
    _bump(market)
    return lot


@transaction.atomic
def delete_lot(lot: Lot, *, by: User, expected_version: int | None) -> None:
    market = _locked(lot.market, by, expected_version, local=True)
    Lot.objects.filter(pk=lot.pk, market=market).delete()
    _bump(market)


# Uses by the legal entities ---------------------------------------------------------------


@transaction.atomic
def set_use(
    market: Market,
    *,
    legal_entity_finess: str,
    local_reference: str = "",
    lot: Lot | None = None,
    by: User,
) -> MarketUse:
    """This legal entity uses the market (or one of its lots), under its own reference: kept
    for central markets as for local ones. Said again, the reference is replaced."""
    market = _locked(market, by, None, local=False)
    finess = _text(legal_entity_finess, "legal_entity_finess", 9, required=True)
    if finess not in {entity.finess for entity in legal_entities()}:
        raise Refused("legal_entity_finess", _("not a legal entity of the establishments"))
    if lot is not None and lot.market_id != market.pk:
        raise Refused("lot", _("this lot is not one of the market's"))
    reference = _text(local_reference, "local_reference", SHORT_LIMIT)
    use, _created = MarketUse.objects.select_for_update().get_or_create(
        market=market,
        lot=lot,
        legal_entity_finess=finess,
        defaults={"local_reference": reference},
    )
    if use.local_reference != reference:
        use.local_reference = reference
        use.save(update_fields=["local_reference"])
    return use


@transaction.atomic
def remove_use(use: MarketUse, *, by: User) -> None:
    _require_manager(by)
    MarketUse.objects.filter(pk=use.pk).delete()
