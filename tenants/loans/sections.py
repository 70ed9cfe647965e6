"""The device page's loan panel, registered with tenants.inventory.sections: the inventory
imports nothing of the loans app."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from tenants.inventory.models import Device, DeviceStatus
from tenants.loans.selectors import device_loans, may_record_for, open_loans


def device_loans_panel(device: Device, user: Any) -> SafeString | str:
    loans = device_loans(device, user)
    # Lent under a loan this person may not open: they still see until when.
    hidden = (
        open_loans()
        .filter(device=device, starts_on__lte=timezone.localdate())
        .exclude(pk__in=[loan.pk for loan in loans])
    )
    context = {
        "device": device,
        "loans": loans,
        "lent_until": hidden.order_by("starts_on").values_list("due_on", flat=True).first(),
        "may_lend": device.status != DeviceStatus.RETIRED and may_record_for(user, device.uf),
    }
    return render_to_string("loans/_device_loans.html", context)
