"""Curators' changes to single entities (imports are in services.py)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from saas.dates import end_of
from saas.errors import UserError
from shared_reference.models import (
    DOCUMENT_TYPES,
    DeviceModel,
    DocumentKind,
    EntityStatus,
    LabelStatus,
    Lot,
    Market,
    MarketDocument,
    NomenclatureTerm,
    PurchasingBody,
    Scope,
    Subscription,
    Supplier,
    Terms,
)


@transaction.atomic
def save_term(
    term: NomenclatureTerm, *, by: str, label_fr_changed: bool = False, confirm: bool = False
) -> NomenclatureTerm:
    """A curator's edit; a French label they write or confirm is no longer the product's."""
    if not term.label_fr:
        term.label_fr_status, term.label_fr_confirmed_by = LabelStatus.NONE, ""
    elif label_fr_changed or confirm:
        term.label_fr_status, term.label_fr_confirmed_by = LabelStatus.CONFIRMED, by
    term.dirty = True
    term.save()
    return term


@transaction.atomic
def save_device_model(model: DeviceModel) -> DeviceModel:
    model.dirty = True
    model.save()
    return model


# --- Central markets: purchasing bodies, framework agreements, lots and their documents -------


class MarketRefused(UserError):
    """A market, lot or document the curator cannot save as it is; ``field`` names the field."""


def terms_problems(obj: Terms, *, ends_typed: bool = False) -> list[tuple[str, str]]:
    """What is wrong with an object's dates and bounds, field by field (empty when right).

    With a start and a duration, the end (renewals included) follows from them and the
    renewals, whatever it was: a curator changing the duration moves the end. An end the
    curator typed (``ends_typed``) that says otherwise is refused, naming the day it should
    be. Without a start or a duration, the end typed is kept.
    """
    problems: list[tuple[str, str]] = []
    if obj.renewals and not obj.renewal_months:
        problems.append(("renewal_months", _("Say how long each renewal lasts.")))
    try:
        computed = end_of(obj.starts, obj.duration_months, obj.renewals, obj.renewal_months)
    except (ValueError, OverflowError):  # past the year 9999
        problems.append(
            (
                "duration_months",
                _("With this start, duration and renewals, the end falls after the year 9999."),
            )
        )
        return problems
    if computed is not None and ends_typed and obj.ends is not None and obj.ends != computed:
        problems.append(
            (
                "ends",
                _(
                    "With this start, duration and renewals, the end is %(day)s: type that "
                    "day or leave the end empty."
                )
                % {"day": computed.strftime("%d/%m/%Y")},
            )
        )
    elif computed is not None:
        obj.ends = computed
    if obj.starts and obj.ends and obj.ends < obj.starts:
        problems.append(("ends", _("The end comes before the start.")))
    pairs = (
        ("min_amount", "max_amount", _("The maximum amount is below the minimum.")),
        ("min_quantity", "max_quantity", _("The maximum quantity is below the minimum.")),
    )
    for low, high, reason in pairs:
        low_value, high_value = getattr(obj, low), getattr(obj, high)
        if low_value is not None and high_value is not None and high_value < low_value:
            problems.append((high, reason))
    return problems


def _refuse_bad_terms(obj: Terms) -> None:
    problems = terms_problems(obj)
    if problems:
        raise MarketRefused(*problems[0])


@transaction.atomic
def save_purchasing_body(body: PurchasingBody) -> PurchasingBody:
    """A body's change. Deleted, it takes its markets and lots with it (tombstones at the next
    release, as for any curated reference), as they are: a market ended long ago is not
    checked again against today's rules on its dates. Refused while one of its markets is in
    force or yet to start: the hospitals following the body still buy on it."""
    deleting = body.status == EntityStatus.DELETED and (
        body.pk is None
        or PurchasingBody.objects.filter(pk=body.pk).exclude(status=EntityStatus.DELETED).exists()
    )
    if deleting and body.pk is not None:
        _refuse_deleting_a_body_in_use(body)
    body.dirty = True
    body.save()
    if deleting:
        markets = Market.objects.filter(purchasing_body=body).exclude(status=EntityStatus.DELETED)
        Lot.objects.filter(market__in=markets).exclude(status=EntityStatus.DELETED).update(
            status=EntityStatus.DELETED, dirty=True
        )
        markets.update(status=EntityStatus.DELETED, dirty=True)
    return body


def _refuse_deleting_a_body_in_use(body: PurchasingBody) -> None:
    current = (
        Market.objects.filter(purchasing_body=body, ends__gte=timezone.localdate())
        .exclude(status=EntityStatus.DELETED)
        .order_by("ends", "reference")
    )
    references = list(current.values_list("reference", flat=True)[:4])
    if not references:
        return
    shown = ", ".join(references[:3]) + (", …" if len(references) > 3 else "")
    followers = Subscription.objects.filter(topic=body.topic()).count()
    reason = _(
        "This purchasing body still has markets in force or yet to start (%(markets)s): "
        "delete them first, or wait until they end."
    ) % {"markets": shown}
    if followers:
        reason += " " + ngettext(
            "%(count)s subscriber follows it.", "%(count)s subscribers follow it.", followers
        ) % {"count": followers}
    raise MarketRefused("status", reason)


@transaction.atomic
def save_market(market: Market) -> Market:
    """A market's change; deleted, its lots go with it (tombstones at the next release)."""
    _refuse_bad_terms(market)
    if market.ends is None:
        raise MarketRefused("ends", _("Give the end, or the duration to work it out."))
    clash = Market.objects.filter(
        purchasing_body_id=market.purchasing_body_id, reference=market.reference
    ).exclude(pk=market.pk)
    if clash.exists():
        raise MarketRefused(
            "reference", _("This purchasing body has a market with this reference.")
        )
    market.dirty = True
    _save_once(
        market,
        MarketRefused("reference", _("This purchasing body has a market with this reference.")),
    )
    if market.status == EntityStatus.DELETED:
        Lot.objects.filter(market=market).exclude(status=EntityStatus.DELETED).update(
            status=EntityStatus.DELETED, dirty=True
        )
    return market


@transaction.atomic
def save_lot(
    lot: Lot,
    *,
    supplier_names: list[str] | None = None,
    device_models: list[DeviceModel] | None = None,
) -> Lot:
    """A lot's change: suppliers named are found (whatever their case) or created."""
    _refuse_bad_terms(lot)
    lot.scopes = sorted(set(lot.scopes))
    unknown = set(lot.scopes) - set(Scope.values)
    if unknown:
        raise MarketRefused("scopes", _("Unknown scope: %s") % ", ".join(sorted(unknown)))
    if Lot.objects.filter(market_id=lot.market_id, number=lot.number).exclude(pk=lot.pk).exists():
        raise MarketRefused("number", _("This market has a lot with this number."))
    lot.dirty = True
    _save_once(lot, MarketRefused("number", _("This market has a lot with this number.")))
    if supplier_names is not None:
        lot.suppliers.set([supplier_named(name) for name in supplier_names])
    if device_models is not None:
        lot.device_models.set(device_models)
    return lot


def _save_once(obj: Market | Lot, refusal: MarketRefused) -> None:
    """Save; another curator saving the same reference (or number) meanwhile meets the unique
    constraint, which the form cannot check (the body, or the market, is not one of its
    fields): a refusal naming the field rather than a 500."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise refusal from exc


# The first bytes of each accepted type: a renamed executable is not a PDF.
_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".odt": _ZIP,
    ".ods": _ZIP,
    ".docx": _ZIP,
    ".xlsx": _ZIP,
    ".zip": _ZIP,
    ".doc": _OLE,
    ".xls": _OLE,
}


def _content_matches(upload: UploadedFile, suffix: str) -> bool:
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if not head:
        return False
    if suffix == ".csv":
        return b"\x00" not in head
    signatures = SIGNATURES.get(suffix, ())
    if not head.startswith(signatures):
        return False
    if signatures == _ZIP:
        try:
            with zipfile.ZipFile(upload) as archive:
                archive.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
            return False
        finally:
            upload.seek(0)
    return True


def supplier_named(name: str) -> Supplier:
    name = " ".join(name.split())
    if not name:
        raise MarketRefused("suppliers", _("A supplier needs a name."))
    if len(name) > 200:
        raise MarketRefused("suppliers", _("A supplier's name has at most 200 characters."))
    found = _supplier_by_name(name)
    if found is not None:
        return found
    # Race-safe: another curator recording the same name since the look-up wins the unique
    # constraint (in a savepoint, so the lot's transaction goes on), and their row is used.
    try:
        with transaction.atomic():
            return Supplier.objects.create(name=name)
    except IntegrityError:
        found = _supplier_by_name(name)
        if found is None:
            raise
        return found


def _supplier_by_name(name: str) -> Supplier | None:
    return Supplier.objects.filter(name__iexact=name).first()


def same_name_supplier(name: str, but: Supplier | None = None) -> Supplier | None:
    """Another supplier with this name, whatever its case."""
    others = Supplier.objects.filter(name__iexact=" ".join(name.split()))
    if but is not None and but.pk is not None:
        others = others.exclude(pk=but.pk)
    return others.first()


def duplicate_name_reason(other: Supplier) -> str:
    return _("Another supplier already has this name, whatever its case: %(name)s.") % {
        "name": other.name
    }


@transaction.atomic
def save_supplier(supplier: Supplier) -> Supplier:
    """A supplier's name, SIREN or address changed: the lots naming it go out again with the
    next release (a supplier is published inside them). A name another supplier has, whatever
    its case, is refused."""
    supplier.name = " ".join(supplier.name.split())
    if not supplier.name:
        raise MarketRefused("name", _("A supplier needs a name."))
    other = same_name_supplier(supplier.name, but=supplier)
    if other is not None:
        raise MarketRefused("name", duplicate_name_reason(other))
    try:
        with transaction.atomic():
            supplier.save()
    except IntegrityError as error:  # the same name saved meanwhile by another curator
        other = same_name_supplier(supplier.name, but=supplier)
        if other is None:
            raise
        raise MarketRefused("name", duplicate_name_reason(other)) from error
    Lot.objects.filter(suppliers=supplier).update(dirty=True)
    return supplier


MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


@transaction.atomic
def add_document(
    market: Market, upload: UploadedFile, *, kind: str, title: str, lot: Lot | None = None
) -> MarketDocument:
    """A document on a market or one of its lots; the market (or lot) goes out again."""
    # What the curator's browser calls the file, printable only (it is shown and stored).
    name = "".join(ch for ch in Path(upload.name or "").name if ch.isprintable())
    if Path(name).suffix.lower() not in DOCUMENT_TYPES:
        raise MarketRefused(
            "file",
            _("Accepted files: %(types)s.") % {"types": ", ".join(sorted(DOCUMENT_TYPES))},
        )
    if (upload.size or 0) > MAX_DOCUMENT_BYTES:
        raise MarketRefused("file", _("The file is larger than 20 MB."))
    if kind not in DocumentKind.values:
        raise MarketRefused("kind", _("Choose a kind of document."))
    if not _content_matches(upload, Path(name).suffix.lower()):
        raise MarketRefused(
            "file", _("The file's content is not what its name says (%(name)s).") % {"name": name}
        )
    if lot is not None and lot.market_id != market.pk:
        raise MarketRefused("lot", _("This lot belongs to another market."))
    document = MarketDocument(
        market=market,
        lot=lot,
        kind=kind,
        title=title.strip()[:200] or name[:200],
        filename=name[:200],
        size=upload.size or 0,
    )
    document.file.save(name, upload, save=False)
    document.save()
    _mark_dirty(document)
    return document


@transaction.atomic
def remove_document(document: MarketDocument) -> None:
    _mark_dirty(document)
    stored = document.file.name
    document.delete()
    if stored:
        transaction.on_commit(lambda: default_storage.delete(stored))


def _mark_dirty(document: MarketDocument) -> None:
    if document.lot_id is not None:
        Lot.objects.filter(pk=document.lot_id).update(dirty=True)
    else:
        Market.objects.filter(pk=document.market_id).update(dirty=True)
