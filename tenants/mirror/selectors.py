"""Reads of the mirror: what the sync status page shows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext as _

from tenants.mirror.appliers import applied_counts
from tenants.mirror.models import (
    LocalSubscription,
    ReferenceDeviceModel,
    ReferenceEntity,
    ReferenceManufacturer,
    ReferenceTerm,
    SyncState,
)


@dataclass(frozen=True)
class MirrorStatus:
    state: SyncState
    linked: bool
    subscriptions: int
    counts: list[tuple[str, int]]


def mirror_status() -> MirrorStatus:
    state = SyncState.current()
    counts = [
        ("nomenclature_term", ReferenceTerm.objects.count()),
        ("manufacturer", ReferenceManufacturer.objects.count()),
        ("device_model", ReferenceDeviceModel.objects.count()),
    ]
    counts += list(
        ReferenceEntity.objects.values_list("entity_type")
        .annotate(n=Count("pk"))
        .order_by("entity_type")
    )
    counts += applied_counts()
    return MirrorStatus(
        state=state,
        linked=bool(state.api_key_encrypted),
        subscriptions=LocalSubscription.objects.count(),
        counts=counts,
    )


def model_devices(model: ReferenceDeviceModel) -> int:
    """How many of this hospital's devices are of this model."""
    from tenants.inventory.models import Device

    return Device.objects.filter(reference_model=model).count()


def notices_of(model: ReferenceDeviceModel) -> list[ReferenceEntity]:
    return list(
        ReferenceEntity.objects.filter(
            entity_type="safety_notice", payload__device_model=str(model.uuid)
        )
        .exclude(status="deleted")
        .order_by("-seq")
    )


def is_known_term(code: str) -> bool:
    """A code of a mirrored nomenclature, still in use."""
    return ReferenceTerm.objects.exclude(status="deleted").filter(code=code).exists()


def unknown_term_reason(code: str) -> str:
    return _(
        "“%(code)s” is not a code of the nomenclatures: choose one among the suggestions"
        " (or leave the field empty)"
    ) % {"code": code}
