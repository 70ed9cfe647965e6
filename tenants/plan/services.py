"""Lines enter the plan when the commission grants a request."""

from __future__ import annotations

from tenants.accounts.models import User
from tenants.plan.models import PlanLine
from tenants.requests.models import EquipmentRequest, RequestState


def add_granted_request(request: EquipmentRequest, *, by: User) -> PlanLine:
    """The plan line of a granted request (called in the grant's transaction)."""
    if request.state != RequestState.GRANTED or request.granted_amount is None:
        raise ValueError("only a granted request, with its amount, enters the plan")
    line, _created = PlanLine.objects.update_or_create(
        request=request,
        defaults={
            "campaign": request.campaign,
            "year": request.campaign.year,
            "uf": request.uf,
            "nature": request.nature,
            "title": request.title,
            "amount": request.granted_amount,
            "created_by": by,
        },
    )
    return line
