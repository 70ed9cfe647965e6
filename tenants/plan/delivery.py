"""Back to the inventory: the devices a plan line bought, and those its request replaces.

A line records the purchase order's number and, when known, the inventory numbers given to
the delivered devices. After each CMMS import (``inventory_imported``, in the import's
transaction) every line with one of them is linked to the devices that carry it. The devices
its request replaces are "to be retired" until the CMMS says they are retired.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from tenants.inventory.models import Device, DeviceStatus
from tenants.plan.models import PlanLine

MAX_NUMBERS = 500
_SEPARATORS = re.compile(r"[\s,;]+")


def parse_numbers(text: str) -> list[str]:
    """Inventory numbers as people paste them: separated by spaces, commas or new lines."""
    return list(dict.fromkeys(n for n in _SEPARATORS.split(text or "") if n))


def link_line(line: PlanLine) -> int:
    """Link the line to the devices carrying its order number or one of its inventory
    numbers; the number linked."""
    found = Q(pk__in=[])
    if line.order_number:
        found |= Q(order_number=line.order_number)
    numbers = parse_numbers(line.inventory_numbers)
    if numbers:
        found |= Q(inventory_number__in=numbers)
    devices = list(Device.objects.filter(found).values_list("pk", flat=True))
    line.devices.set(devices)
    return len(devices)


def link_all_lines() -> int:
    linked = 0
    lines = PlanLine.objects.exclude(order_number="", inventory_numbers="")
    for line in lines.only("pk", "order_number", "inventory_numbers").iterator(500):
        linked += link_line(line)
    return linked


def delivered(line: PlanLine) -> tuple[int, Decimal]:
    """How many devices the line brought into the inventory, and their inventory value."""
    totals = line.devices.aggregate(value=Sum("purchase_value"))
    return line.devices.count(), totals["value"] or Decimal(0)


def to_retire(line: PlanLine) -> QuerySet[Device]:
    """The devices the line's request replaces that the CMMS does not say are retired yet."""
    return line.request.replaces.exclude(status=DeviceStatus.RETIRED).select_related("uf")
