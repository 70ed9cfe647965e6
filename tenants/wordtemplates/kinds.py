"""The two kinds of purchasing documents, declared here with their placeholders and shipped
default templates (defaults/*.docx, written by defaults/build.py), so that the purchasing app
only brings the context builder::

    register_kind(kinds.PURCHASE_REQUEST_FORM, context=document_context)
    register_kind(kinds.ORDER_LETTER, context=document_context)

Values are given as the document shows them: dates as dd/mm/yyyy, amounts in euros with two
decimals ("12 345,60 €"); a template only places them.
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from tenants.wordtemplates.registry import DocumentKind, Placeholder, Text

DEFAULTS = Path(__file__).resolve().parent / "defaults"


def _person(name: str, description: Text, *, phone: bool = True) -> Placeholder:
    fields: tuple[Placeholder, ...] = (
        Placeholder("name", _("full name")),
        Placeholder("email", _("e-mail address")),
    )
    if phone:
        fields += (Placeholder("phone", _("phone number")),)
    return Placeholder(name, description, fields)


PURCHASING_PLACEHOLDERS: tuple[Placeholder, ...] = (
    Placeholder("reference", _("the purchase request's reference (DRA-2027-00042)")),
    Placeholder("date", _("the document's date (dd/mm/yyyy)")),
    Placeholder(
        "hospital",
        _("the hospital or GHT"),
        (
            Placeholder("name", _("name")),
            Placeholder("finess", _("FINESS number of the legal entity")),
        ),
    ),
    Placeholder(
        "establishment",
        _("the establishment that buys"),
        (
            Placeholder("name", _("name")),
            Placeholder("city", _("city")),
            Placeholder("finess", _("FINESS number of the establishment")),
        ),
    ),
    Placeholder(
        "supplier",
        _("the supplier"),
        (
            Placeholder("name", _("name")),
            Placeholder("siren", _("SIREN number")),
            Placeholder("address_line1", _("postal address: street")),
            Placeholder("address_line2", _("postal address: second line")),
            Placeholder("postcode", _("postcode")),
            Placeholder("city", _("city")),
            Placeholder("country", _("country")),
        ),
    ),
    _person("contact", _("the supplier's contact person")),
    Placeholder(
        "quote",
        _("the supplier's quote"),
        (Placeholder("number", _("quote number")), Placeholder("date", _("quote date"))),
    ),
    Placeholder(
        "market",
        _("the market the purchase is made under (empty out of market)"),
        (
            Placeholder("name", _("market's name")),
            Placeholder("reference", _("market's reference")),
            Placeholder("lot", _("lot (number and title)")),
        ),
    ),
    Placeholder(
        "off_contract",
        _("out of market: the exception that allows it (empty under a market)"),
        (
            Placeholder("code", _("exception code")),
            Placeholder("label", _("what the exception says")),
        ),
    ),
    Placeholder(
        "lines",
        _("the order lines, one row each (loop)"),
        (
            Placeholder("position", _("line number (1, 2…)")),
            Placeholder("plan_line", _("the equipment plan line's reference")),
            Placeholder("designation", _("what is bought")),
            Placeholder("reference", _("model (product reference)")),
            Placeholder("quantity", _("quantity")),
            Placeholder("unit_price", _("unit price excl. VAT")),
            Placeholder("vat_rate", _("VAT rate")),
            Placeholder("total_excl", _("line total excl. VAT")),
            Placeholder("total_incl", _("line total incl. VAT")),
        ),
        is_list=True,
    ),
    Placeholder("total_excl", _("total excl. VAT")),
    Placeholder("total_vat", _("total VAT")),
    Placeholder("total_incl", _("total incl. VAT")),
    Placeholder(
        "budget_lines",
        _("the budget lines charged, one row each (loop)"),
        (
            Placeholder("code", _("budget line code (account, plan line)")),
            Placeholder("label", _("budget line label")),
            Placeholder("amount", _("amount charged incl. VAT")),
        ),
        is_list=True,
    ),
    _person("buyer", _("the buyer who issues the document"), phone=False),
)

PURCHASING_EXAMPLE = {
    "reference": "DRA-2027-00042",
    "date": "15/03/2027",
    "hospital": {
        "name": "CHU Amiens-Picardie",
        "finess": "800000044",
    },
    "establishment": {
        "name": "Site Sud",
        "city": "Amiens",
        "finess": "800000028",
    },
    "supplier": {
        "name": "Getinge France",
        "siren": "399423467",
        "address_line1": "1 rue Clément Ader",
        "address_line2": "ZAC de la Fontaine",
        "postcode": "95100",
        "city": "Argenteuil",
        "country": "France",
    },
    "contact": {
        "name": "Claire Martin",
        "email": "c.martin@getinge.example",
        "phone": "06 12 34 56 78",
    },
    "quote": {"number": "DV-2027-118", "date": "02/03/2027"},
    "market": {
        "name": "UniHA — Ventilation de réanimation",
        "reference": "UNIHA-2025-VR",
        "lot": "Lot 2 — Respirateurs lourds",
    },
    "off_contract": {"code": "", "label": ""},
    "lines": [
        {
            "position": "1",
            "plan_line": "PE-2027-017",
            "designation": "Respirateur de réanimation Servo-u",
            "reference": "SERVO-U-66",
            "quantity": "2",
            "unit_price": "28 500,00 €",
            "vat_rate": "20 %",
            "total_excl": "57 000,00 €",
            "total_incl": "68 400,00 €",
        },
        {
            "position": "2",
            "plan_line": "PE-2027-017",
            "designation": "Kit de démarrage & circuits patient <adulte>",
            "reference": "KIT-U-12",
            "quantity": "4",
            "unit_price": "310,50 €",
            "vat_rate": "20 %",
            "total_excl": "1 242,00 €",
            "total_incl": "1 490,40 €",
        },
    ],
    "total_excl": "58 242,00 €",
    "total_vat": "11 648,40 €",
    "total_incl": "69 890,40 €",
    "budget_lines": [
        {
            "code": "2154 — PE-2027-017",
            "label": "Plan d\u2019équipement 2027, réanimation",
            "amount": "69 890,40 €",
        },
    ],
    "buyer": {
        "name": "Julien Lefèvre",
        "email": "j.lefevre@chu.example",
    },
}

PURCHASE_REQUEST_FORM = DocumentKind(
    key="purchase_request_form",
    label=_("Purchase request form"),
    placeholders=PURCHASING_PLACEHOLDERS,
    default_template=DEFAULTS / "purchase_request_form.docx",
    example=PURCHASING_EXAMPLE,
)

ORDER_LETTER = DocumentKind(
    key="order_letter",
    label=_("Order letter"),
    placeholders=PURCHASING_PLACEHOLDERS,
    default_template=DEFAULTS / "order_letter.docx",
    example=PURCHASING_EXAMPLE,
)
