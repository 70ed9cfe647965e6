"""Two loans between services in the demo GHT: one under way, one late (inside the tenant)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from tenants.access.models import Role
from tenants.accounts.models import User
from tenants.inventory.models import Device, DeviceStatus
from tenants.loans import services
from tenants.loans.models import Loan
from tenants.structure.models import FunctionalUnit


def load_demo_loans() -> list[str]:
    """Once: the biomedical expert lends two devices to other UF."""
    if Loan.objects.exists():
        return []
    lender = (
        User.objects.filter(email__startswith="biomed@").first()
        or User.objects.filter(grants__role=Role.TENANT_ADMIN).order_by("pk").first()
    )
    devices = list(
        Device.objects.exclude(status=DeviceStatus.RETIRED).select_related("uf").order_by("pk")[:2]
    )
    if lender is None or len(devices) < 2:
        return []
    today = timezone.localdate()
    made = []
    for device, start, due, borrower, reason in (
        (devices[0], -5, 10, "Dr Anne Bloc", "Renfort pendant la maintenance du leur"),
        (devices[1], -20, -3, "Cadre de nuit", "Pic d\u2019activité hivernal"),
    ):
        to = FunctionalUnit.objects.exclude(pk=device.uf_id).order_by("code").first()
        assert to is not None, "the demo structure has several UF"
        loan = services.record_loan(
            services.LoanInput(
                device=device,
                borrowing_uf=to,
                starts_on=today + datetime.timedelta(days=start),
                due_on=today + datetime.timedelta(days=due),
                lender_name="Service biomédical",
                lender_phone="03 22 00 00 00",
                borrower_name=borrower,
                reason=reason,
            ),
            by=lender,
        )
        made.append(loan.reference)
    return [f"  loans between services: {', '.join(made)} (the second one late)"]
