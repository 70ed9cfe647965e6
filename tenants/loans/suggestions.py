"""Suggestions of devices to lend, by inventory number (registered in LoansConfig.ready)."""

from __future__ import annotations

from django.db.models import Q

from tenants.accounts.models import User
from tenants.core.suggest import LIMIT
from tenants.inventory.models import Device, DeviceStatus


def lendable_devices(text: str, user: User) -> list[tuple[str, str]]:
    """Devices not retired, by inventory number, serial number or model."""
    text = text.strip()
    if not text:
        return []
    found = (
        Device.objects.exclude(status=DeviceStatus.RETIRED)
        .filter(
            Q(inventory_number__istartswith=text)
            | Q(serial_number__istartswith=text)
            | Q(model_name__icontains=text)
        )
        .select_related("uf")
        .order_by("inventory_number")[:LIMIT]
    )
    return [
        (
            d.inventory_number,
            f"{d.inventory_number} · {d.manufacturer_name} {d.model_name} · UF {d.uf.code}",
        )
        for d in found
    ]
