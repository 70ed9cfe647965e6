"""The controls on the inventory: what the CMMS says against what the references say."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tenants.access.models import Role
from tenants.access.permissions import Action
from tenants.controls.models import Level
from tenants.controls.registry import Check, Found, register
from tenants.inventory.models import Device, DeviceStatus


def past_end_of_support() -> Iterator[Found]:
    """Devices in use (not retired, not in storage) whose model's end of support, the
    hospital's own date or else the reference's, has passed."""
    today = timezone.localdate()
    devices = (
        Device.objects.exclude(status__in=(DeviceStatus.RETIRED, DeviceStatus.IN_STORAGE))
        .annotate(
            ends=Coalesce(
                "reference_model__overlay__end_of_support", "reference_model__end_of_support"
            )
        )
        .filter(ends__lt=today)
        .values("pk", "inventory_number", "manufacturer_name", "model_name", "uf_id", "ends")
    )
    for device in devices.iterator(chunk_size=5000):
        yield Found(
            device["inventory_number"],
            {
                "inventory_number": device["inventory_number"],
                "device": f"{device['manufacturer_name']} {device['model_name']}".strip(),
                "ends": device["ends"].isoformat(),
            },
            uf_id=device["uf_id"],
            url=f"/inventory/{device['pk']}/",
        )


def _message(data: dict[str, str]) -> str:
    ends = date_format(date.fromisoformat(data["ends"]), "d/m/Y")
    return _(
        "Device %(inventory_number)s (%(device)s) is still in service though its model's "
        "support ended on %(ends)s."
    ) % {**data, "ends": ends}


def register_checks() -> None:
    register(
        Check(
            code="DEVICE-END-OF-SUPPORT",
            level=Level.MAJOR,
            title=gettext_lazy("Device in service past its end of support"),
            message=_message,
            find=past_end_of_support,
            action=Action.VIEW_FINANCE,
            owner=Role.EXPERT,
            depends=("inventory", "sync"),
        )
    )
