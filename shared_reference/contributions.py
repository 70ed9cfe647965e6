"""Subscribers' proposals and the curators' decisions on them.

A refusal names the proposal's field (its key in the API, its label on the curators' page) and
says why in the language of the moment: the hospital's person reads it on the correction form.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saas.errors import UserError
from shared_reference.models import (
    Contribution,
    DeviceModel,
    Manufacturer,
    NomenclatureTerm,
    Subscriber,
)

# Fields a correction may change on a device model, and how to read them.
CORRECTABLE: dict[str, Callable[[str], Any]] = {
    "commercial_name": str,
    "catalogue_reference": str,
    "end_of_sale": date.fromisoformat,
    "end_of_support": date.fromisoformat,
    "expected_life_years": int,
}


# Longest text each field may carry: the column it ends in once a curator accepts it.
MAX_LENGTH = {
    "commercial_name": DeviceModel._meta.get_field("commercial_name").max_length,
    "catalogue_reference": DeviceModel._meta.get_field("catalogue_reference").max_length,
    "manufacturer": Manufacturer._meta.get_field("name").max_length,
    # The source becomes the accepted model's end_of_support_source, the shorter column.
    "source": DeviceModel._meta.get_field("end_of_support_source").max_length,
}


EXAMPLE_CODES = '["emdn:Z12030105"]'


class ContributionRefused(UserError):
    """A proposal refused; ``field`` names the proposal's field at fault."""


def clean_proposal(kind: str, proposal: dict[str, Any]) -> dict[str, Any]:
    """Check a proposal field by field; the error names the field at fault."""
    allowed = set(CORRECTABLE) | (
        {"manufacturer", "nomenclature"} if kind == Contribution.Kind.NEW_MODEL else set()
    )
    unknown = sorted(set(proposal) - allowed)
    if unknown:
        raise ContributionRefused(
            unknown[0],
            _("cannot be proposed; the fields that can: %(allowed)s")
            % {"allowed": ", ".join(sorted(allowed))},
        )
    cleaned: dict[str, Any] = {}
    for field, value in proposal.items():
        check_length(field, value)
        if field in CORRECTABLE:
            try:
                parsed = CORRECTABLE[field](str(value)) if value not in (None, "") else None
            except ValueError as exc:
                raise ContributionRefused(
                    field, _("a date as YYYY-MM-DD, or a number of years as a whole number")
                ) from exc
            if field == "expected_life_years" and parsed is not None and not 0 < parsed <= 50:
                raise ContributionRefused(field, _("between 1 and 50 years"))
            cleaned[field] = parsed.isoformat() if isinstance(parsed, date) else parsed
        elif field == "nomenclature":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ContributionRefused(
                    field, _("a list of codes, such as %(example)s") % {"example": EXAMPLE_CODES}
                )
            cleaned[field] = value
        else:
            if not isinstance(value, str):
                raise ContributionRefused(field, _("a text"))
            cleaned[field] = value.strip()
    if kind == Contribution.Kind.NEW_MODEL:
        for required in ("manufacturer", "commercial_name"):
            if not cleaned.get(required):
                raise ContributionRefused(required, _("required for a new device model"))
    elif not cleaned:
        raise ContributionRefused("proposal", _("propose at least one change"))
    sale, support = cleaned.get("end_of_sale"), cleaned.get("end_of_support")
    if sale and support and support < sale:
        raise ContributionRefused("end_of_support", _("cannot come before the end of sale"))
    return cleaned


def check_length(field: str, value: Any) -> None:
    limit = MAX_LENGTH.get(field)
    if limit is not None and isinstance(value, str) and len(value.strip()) > limit:
        raise ContributionRefused(field, _("at most %(limit)s characters") % {"limit": limit})


def propose(
    subscriber: Subscriber,
    *,
    kind: str,
    target_uuid: str | None,
    proposal: dict[str, Any],
    source: str,
) -> Contribution:
    if kind not in Contribution.Kind.values:
        raise ContributionRefused(
            "kind", _("one of: %(kinds)s") % {"kinds": ", ".join(Contribution.Kind.values)}
        )
    if not source.strip():
        raise ContributionRefused("source", _("say where the information comes from"))
    check_length("source", source.strip())
    target = None
    if kind == Contribution.Kind.CORRECTION:
        target = DeviceModel.objects.filter(uuid=target_uuid).first() if target_uuid else None
        if target is None:
            raise ContributionRefused(
                "target", _("the UUID of an existing device model is required")
            )
    cleaned = clean_proposal(kind, proposal)
    return Contribution.objects.create(
        subscriber=subscriber, kind=kind, target=target, proposal=cleaned, source=source.strip()
    )


@transaction.atomic
def accept(
    contribution: Contribution, *, by: str, amended: dict[str, Any] | None = None, note: str = ""
) -> DeviceModel:
    """Apply the proposal (or the curator's amended version); it goes out with the next release."""
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    if contribution.status != Contribution.Status.PENDING:
        raise ContributionRefused("status", _("this contribution has already been decided"))
    values = clean_proposal(
        contribution.kind, amended if amended is not None else contribution.proposal
    )
    model: DeviceModel
    codes: list[str] = []
    if contribution.kind == Contribution.Kind.NEW_MODEL:
        maker, _created = Manufacturer.objects.get_or_create(name=values.pop("manufacturer"))
        codes = list(values.pop("nomenclature", None) or [])
        model = DeviceModel(manufacturer=maker, end_of_support_source=contribution.source)
    else:
        if contribution.target is None:
            raise ContributionRefused("target", _("the device model no longer exists"))
        model = contribution.target
        if "end_of_support" in values or "end_of_sale" in values:
            model.end_of_support_source = contribution.source
    for field, value in values.items():
        is_date = field in ("end_of_sale", "end_of_support") and value
        setattr(model, field, date.fromisoformat(value) if is_date else value)
    model.dirty = True
    model.save()
    for code in codes:  # "emdn:Z12030105"
        system_code, _sep, term_code = str(code).rpartition(":")
        term = NomenclatureTerm.objects.filter(
            system__code=system_code or "emdn", code=term_code
        ).first()
        if term is None:
            raise ContributionRefused(
                "nomenclature", _("no term has the code %(code)s") % {"code": code}
            )
        model.terms.add(term)
    contribution.status = (
        Contribution.Status.AMENDED if amended is not None else Contribution.Status.ACCEPTED
    )
    contribution.result, contribution.curator_note = model, note
    contribution.decided_by, contribution.decided_at = by, timezone.now()
    contribution.save()
    return model


@transaction.atomic
def reject(contribution: Contribution, *, by: str, note: str) -> Contribution:
    if not note.strip():
        raise ContributionRefused("note", _("say why, for the hospital that proposed it"))
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    if contribution.status != Contribution.Status.PENDING:
        raise ContributionRefused("status", _("this contribution has already been decided"))
    contribution.status, contribution.curator_note = Contribution.Status.REJECTED, note.strip()
    contribution.decided_by, contribution.decided_at = by, timezone.now()
    contribution.save()
    return contribution
