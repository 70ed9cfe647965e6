"""Changes to the catalogue: favourites, lists and their items and shares, photos, and the
order request a list is exported as."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import IO, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Font

from saas.errors import UserError
from tenants.access.permissions import Action, has_permission
from tenants.accounts.models import User
from tenants.catalogue.models import Favourite, ListItem, ListShare, Product, ProductList
from tenants.catalogue.selectors import items_of, may_edit, ufs_of
from tenants.documents.services import check_upload
from tenants.structure.models import FunctionalUnit
from tenants.tables import xlsx
from tenants.tables.xlsx import FORMATS

MAX_QUANTITY = 100_000
PHOTO_TYPES = ("png", "jpg", "jpeg", "gif", "webp")


class Refused(UserError):
    """A change to the catalogue or a list refused: who may not (403), or what was typed."""


def toggle_favourite(user: User, product: Product) -> bool:
    """Mark the product a favourite of the person, or unmark it; True when it now is one."""
    deleted, _ignored = Favourite.objects.filter(user=user, product=product).delete()
    if deleted:
        return False
    Favourite.objects.get_or_create(user=user, product=product)
    return True


def _clean_name(name: str) -> str:
    name = name.replace("\x00", "").strip()
    if not name:
        raise Refused("name", _("give the list a name"))
    if len(name) > 150:
        raise Refused("name", _("longer than %(limit)s characters") % {"limit": 150})
    return name


def create_list(user: User, name: str) -> ProductList:
    return ProductList.objects.create(owner=user, name=_clean_name(name))


def _own(user: User, product_list: ProductList) -> None:
    if product_list.owner_id != user.pk:
        raise Refused("", _("only the list's owner may do this"), status=403)


def _editing(user: User, product_list: ProductList) -> None:
    if not may_edit(user, product_list):
        raise Refused("", _("this list is shared with you read-only"), status=403)


def rename_list(user: User, product_list: ProductList, name: str) -> ProductList:
    _own(user, product_list)
    product_list.name = _clean_name(name)
    product_list.save(update_fields=["name", "updated"])
    return product_list


def delete_list(user: User, product_list: ProductList) -> None:
    _own(user, product_list)
    product_list.delete()


def _quantity(quantity: int) -> int:
    if not 1 <= quantity <= MAX_QUANTITY:
        raise Refused(
            "quantity",
            _("the quantity must be between 1 and %(max)s")
            % {"max": f"{MAX_QUANTITY:,}".replace(",", "\u202f")},
        )
    return quantity


@transaction.atomic
def add_to_list(
    user: User, product_list: ProductList, product: Product, quantity: int = 1
) -> ListItem:
    """Add the product to the list, or add the quantity to its line when it is there."""
    _editing(user, product_list)
    _quantity(quantity)
    # The list's row is the lock: two adds of one product at once (a double click) would
    # both find no line, and the second would break the one-line-per-product constraint.
    ProductList.objects.select_for_update().filter(pk=product_list.pk).first()
    item = ListItem.objects.filter(product_list=product_list, product=product).first()
    if item is None:
        item = ListItem.objects.create(
            product_list=product_list, product=product, quantity=quantity
        )
    else:
        item.quantity = _quantity(item.quantity + quantity)
        item.save(update_fields=["quantity"])
    ProductList.objects.filter(pk=product_list.pk).update(updated=timezone.now())
    return item


def set_quantity(user: User, item: ListItem, quantity: int) -> ListItem:
    _editing(user, item.product_list)
    item.quantity = _quantity(quantity)
    item.save(update_fields=["quantity"])
    return item


def remove_item(user: User, item: ListItem) -> None:
    _editing(user, item.product_list)
    item.delete()


def share_list(
    user: User,
    product_list: ProductList,
    *,
    uf: FunctionalUnit | None = None,
    person: User | None = None,
    can_edit: bool = False,
) -> ListShare:
    """Share the list with an UF or a person (one of them); sharing again changes the right."""
    _own(user, product_list)
    if (uf is None) == (person is None):
        raise Refused("target", _("choose an UF or a person to share the list with"))
    if person is not None and person.pk == user.pk:
        raise Refused("target", _("the list is yours already"))
    target: dict[str, Any] = {"uf": uf} if uf is not None else {"user": person}
    try:
        with transaction.atomic():
            share, _created = ListShare.objects.update_or_create(
                product_list=product_list, **target, defaults={"can_edit": can_edit}
            )
    except IntegrityError as exc:  # two clicks at once
        raise Refused("target", _("the list is shared with them already"), status=409) from exc
    return share


def unshare_list(user: User, share: ListShare) -> None:
    _own(user, share.product_list)
    share.delete()


def set_photo(user: User, product: Product, upload: UploadedFile) -> Product:
    if not has_permission(user, Action.MANAGE_CATALOGUE):
        raise Refused("", _("only purchasing sets the catalogue's photos"), status=403)
    checked = check_upload(upload)
    if checked.extension not in PHOTO_TYPES:
        raise Refused(
            "photo",
            _("a photo must be an image (%(types)s)") % {"types": ", ".join(PHOTO_TYPES)},
        )
    old = product.photo.name if product.photo else ""
    product.photo.save(f"{product.code}.{checked.extension}", upload, save=False)
    product.save(update_fields=["photo", "updated"])
    if old and old != product.photo.name:
        product.photo.storage.delete(old)
    return product


@dataclass(frozen=True)
class OrderHeader:
    uf: FunctionalUnit | None
    requester: User
    day: date


def order_uf(user: User, product_list: ProductList, raw: str) -> FunctionalUnit | None:
    """The UF the order request is for: the one asked for among the person's, else the UF the
    list is shared with when there is one, else the person's only UF."""
    mine = ufs_of(user)
    if raw.isascii() and raw.isdigit() and len(raw) < 12:
        chosen = mine.filter(pk=int(raw)).first()
        if chosen is not None:
            return chosen
    shared = mine.filter(pk__in=product_list.shares.filter(uf__isnull=False).values("uf"))
    if shared.count() == 1:
        return shared.first()
    return mine.first() if mine.count() == 1 else None


def write_order_request(product_list: ProductList, header: OrderHeader, target: IO[bytes]) -> int:
    """The supply service's order request: who asks, for which UF, on which day, then one line
    per product with its quantity, unit price and total. Returns the number of lines."""
    workbook = xlsx.new_workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Order request")[:31]
    bold = Font(bold=True)
    xlsx.append(sheet, [_("Order request"), product_list.name])
    sheet["A1"].font = Font(bold=True, size=14)
    uf = header.uf
    xlsx.append(sheet, [_("UF"), f"{uf.code} {uf.name}" if uf else ""])
    xlsx.append(sheet, [_("Requester"), header.requester.full_name or header.requester.email])
    xlsx.append(sheet, [_("Date"), header.day])
    sheet.cell(4, 2).number_format = FORMATS["date"]
    for line in range(2, 5):
        sheet.cell(line, 1).font = bold
    sheet.append([])
    xlsx.append(
        sheet,
        [
            _("Code"),
            _("Designation"),
            _("Supplier"),
            _("Supplier's reference"),
            _("Unit"),
            _("Quantity"),
            _("Unit price excl. VAT"),
            _("Total excl. VAT"),
        ],
    )
    header_row = 6
    for column in range(1, 9):
        sheet.cell(header_row, column).font = bold
    line = header_row
    total = Decimal(0)
    for item in items_of(product_list):
        line += 1
        product = item.product
        amount = product.unit_price * item.quantity if product.unit_price is not None else None
        total += amount or 0
        xlsx.append(
            sheet,
            [
                product.code,
                product.designation,
                product.supplier.name if product.supplier else "",
                product.supplier_reference,
                product.unit,
                item.quantity,
                float(product.unit_price) if product.unit_price is not None else None,
                float(amount) if amount is not None else None,
            ],
        )
        sheet.cell(line, 7).number_format = FORMATS["money"]
        sheet.cell(line, 8).number_format = FORMATS["money"]
    xlsx.append(sheet, [_("Total")] + [""] * 6 + [float(total)])
    sheet.cell(line + 1, 1).font = bold
    sheet.cell(line + 1, 8).number_format = FORMATS["money"]
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    for letter, width in zip("ABCDEFGH", (14, 48, 24, 20, 14, 10, 16, 16), strict=True):
        sheet.column_dimensions[letter].width = width
    workbook.save(target)
    return line - header_row
