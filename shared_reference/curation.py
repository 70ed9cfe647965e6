"""Curators' changes to single entities (imports are in services.py)."""

from __future__ import annotations

from django.db import transaction

from shared_reference.models import DeviceModel, LabelStatus, NomenclatureTerm


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
