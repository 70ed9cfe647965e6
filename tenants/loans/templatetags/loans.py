"""The device page's loan panel: the inventory's template asks the loans app, so the
inventory imports nothing of it."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from tenants.inventory.models import Device
from tenants.loans.selectors import device_loans, may_record_for, open_loans

register = template.Library()


@register.inclusion_tag("loans/_device_loans.html", takes_context=True)
def device_loans_panel(context: dict[str, Any], device: Device) -> dict[str, Any]:
    user = context["request"].user
    loans = device_loans(device, user)
    # Lent under a loan this person may not open: they still see until when.
    hidden = (
        open_loans()
        .filter(device=device, starts_on__lte=timezone.localdate())
        .exclude(pk__in=[loan.pk for loan in loans])
    )
    return {
        "device": device,
        "loans": loans,
        "lent_until": hidden.order_by("starts_on").values_list("due_on", flat=True).first(),
        "may_lend": device.status != "retired" and may_record_for(user, device.uf),
    }
