"""The curation pages in the curators' words: kinds, field names and values, never Python."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from shared_reference.models import DocumentKind, EntityStatus, Scope, TermStatus

register = template.Library()

ENTITY_KINDS = {
    "nomenclature_system": _("Nomenclature"),
    "nomenclature_term": _("Nomenclature term"),
    "manufacturer": _("Manufacturer"),
    "device_model": _("Device model"),
    "purchasing_body": _("Purchasing body"),
    "market": _("Market"),
    "lot": _("Lot"),
    "safety_notice": _("Safety notice"),
    # Not published in releases, but changed and shown in the curators' journal.
    "supplier": _("Supplier"),
    "release": _("Release"),
    "contribution": _("Contribution"),
    "subscriber": _("Subscriber"),
    "market_document": _("Market document"),
}

FIELDS = {
    "address_line1": _("Address"),
    "address_line2": _("Address (continued)"),
    "aliases": _("Other names"),
    "canonical_url": _("Canonical address"),
    "catalogue_reference": _("Catalogue reference"),
    "city": _("City"),
    "code": _("Code"),
    "commercial_name": _("Commercial name"),
    "country": _("Country"),
    "date": _("Date"),
    "description": _("Description"),
    "device_model": _("Device model"),
    "device_models": _("Device models"),
    "end_of_sale": _("End of sale"),
    "end_of_support": _("End of support"),
    "end_of_support_source": _("Source of the end of support"),
    "documents": _("Documents"),
    "duration_months": _("Duration (months)"),
    "ends": _("Ends"),
    "filename": _("File"),
    "kind": _("Kind"),
    "max_amount": _("Maximum amount excl. VAT (€)"),
    "max_quantity": _("Maximum quantity"),
    "min_amount": _("Minimum amount excl. VAT (€)"),
    "min_quantity": _("Minimum quantity"),
    "renewal_months": _("Renewal length (months)"),
    "renewals": _("Renewals"),
    "scopes": _("Scope"),
    "siren": _("SIREN"),
    "size": _("Size (bytes)"),
    "expected_life_years": _("Expected life (years)"),
    "issuer": _("Issuer"),
    "label_en": _("Label (English)"),
    "label_fr": _("Label (French)"),
    "level": _("Level"),
    "link": _("Link"),
    "manufacturer": _("Manufacturer"),
    "manufacturer_name": _("Manufacturer"),
    "market": _("Market"),
    "name": _("Name"),
    "nomenclature": _("Nomenclature"),
    "notice": _("Notice"),
    "number": _("Number"),
    "parent": _("Parent"),
    "photo": _("Photo"),
    "postcode": _("Postcode"),
    "publisher": _("Publisher"),
    "purchasing_body": _("Purchasing body"),
    "reference": _("Reference"),
    "replaced_by": _("Replaced by"),
    "replacement": _("Replacement"),
    "starts": _("Starts"),
    "status": _("Status"),
    "suppliers": _("Suppliers"),
    "system": _("Nomenclature"),
    "title": _("Title"),
    "uuid": _("Identifier"),
    "valid_from": _("Valid from"),
    "valid_until": _("Valid until"),
    "version": _("Version"),
}

OPERATIONS = {"upsert": _("created or changed"), "tombstone": _("deleted")}
# Values shown by their label: statuses, a lot's scopes, a market document's kind.
STATUSES = {
    **dict(TermStatus.choices),
    **dict(EntityStatus.choices),
    **dict(Scope.choices),
    **dict(DocumentKind.choices),
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@register.filter
def entity_kind(value: str) -> str:
    """``device_model`` → "Modèle d'appareil"."""
    return str(ENTITY_KINDS.get(value, value.replace("_", " ").capitalize()))


@register.filter
def field_label(name: str) -> str:
    """``end_of_support`` → "Fin de support"."""
    return str(FIELDS.get(name, name.replace("_", " ").capitalize()))


@register.filter
def operation_label(value: str) -> str:
    return str(OPERATIONS.get(value, value))


@register.filter
def readable(value: Any) -> str:
    """A payload value as people read it: dates dd/mm/yyyy, lists joined, no braces."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, str) and _ISO_DATE.match(value):
        return date_format(datetime.date.fromisoformat(value), "d/m/Y")
    if isinstance(value, str):
        return str(STATUSES.get(value, value))
    if isinstance(value, list):
        return ", ".join(readable(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(
            _("%(label)s: %(value)s") % {"label": field_label(k), "value": readable(v)}
            for k, v in value.items()
        )
    return str(value)


@register.filter
def payload_rows(payload: Any, names: Any = None) -> list[tuple[str, str]]:
    """A published payload as (label, value) rows, the identifier left out; ``names`` (uuid ->
    name, selectors_curation.names_in) gives the entities it points at by their names."""
    if not isinstance(payload, dict):
        return [("", readable(payload))]
    names = names or {}

    def named(value: Any) -> Any:
        if isinstance(value, list):
            return [names.get(v, v) if isinstance(v, str) else v for v in value]
        return names.get(value, value) if isinstance(value, str) else value

    return [(field_label(k), readable(named(v))) for k, v in payload.items() if k != "uuid"]
