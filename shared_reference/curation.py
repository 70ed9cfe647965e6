"""Curators' changes to single entities (imports are in services.py)."""

from __future__ import annotations

from django.db import transaction

from shared_reference.models import DeviceModel, NomenclatureTerm


@transaction.atomic
def save_term(term: NomenclatureTerm) -> NomenclatureTerm:
    term.dirty = True
    term.save()
    return term


@transaction.atomic
def save_device_model(model: DeviceModel) -> DeviceModel:
    model.dirty = True
    model.save()
    return model
