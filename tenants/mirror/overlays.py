"""The tenant's own values on reference device models, and corrections sent to the curators.

The effective value of a field is the tenant's overlay where set, else the reference's; the
pages say which. Sync never writes overlays (they live in their own table).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from saas.errors import UserError
from tenants.accounts.models import User
from tenants.mirror.client import ReferenceClient, ReferenceRefused
from tenants.mirror.models import ModelOverlay, ReferenceDeviceModel, SentContribution, SyncState

LOCAL, CENTRAL = "local", "central"


@dataclass(frozen=True)
class Effective:
    value: Any
    source: str  # LOCAL or CENTRAL


def overlay_of(model: ReferenceDeviceModel) -> ModelOverlay | None:
    try:
        return model.overlay
    except ModelOverlay.DoesNotExist:
        return None


def effective_end_of_support(model: ReferenceDeviceModel) -> Effective:
    overlay = overlay_of(model)
    if overlay is not None and overlay.end_of_support is not None:
        return Effective(overlay.end_of_support, LOCAL)
    return Effective(model.end_of_support, CENTRAL)


@transaction.atomic
def set_overlay(
    model: ReferenceDeviceModel,
    *,
    end_of_support: date | None,
    aliases: list[str],
    note: str,
    by: User,
) -> ModelOverlay | None:
    """Record the tenant's own values; clearing every field removes the overlay."""
    aliases = list(dict.fromkeys(a.strip() for a in aliases if a.strip()))
    if end_of_support is None and not aliases and not note.strip():
        ModelOverlay.objects.filter(model=model).delete()
        return None
    overlay, _created = ModelOverlay.objects.update_or_create(
        model=model,
        defaults={
            "end_of_support": end_of_support,
            "aliases": aliases,
            "note": note.strip(),
            "updated_by": by,
        },
    )
    return overlay


class CorrectionRefused(UserError):
    """The reference server refused the correction, with its reason for each field (its
    fields are the correction form's: each reason lands next to its field)."""

    def __init__(self, reasons: dict[str, str]) -> None:
        self.reasons = reasons or {"": ""}
        field, reason = next(iter(self.reasons.items()))
        super().__init__(field, reason)

    def errors(self) -> list[tuple[str, str]]:
        return list(self.reasons.items())


def send_correction(
    model: ReferenceDeviceModel,
    proposal: dict[str, Any],
    source: str,
    *,
    by: User,
    client: ReferenceClient | None = None,
) -> SentContribution:
    """Propose a correction of ``model`` to the curators through the sync API, and keep it."""
    from tenants.mirror.sync import client_for

    client = client or client_for(SyncState.current(), interactive=True)
    try:
        sent = client.propose_correction(str(model.uuid), proposal, source)
    except ReferenceRefused as exc:
        body = exc.body if isinstance(exc.body, dict) else {"detail": str(exc)}
        # "detail" is the API's key for a reason that names no field.
        raise CorrectionRefused(
            {("" if k == "detail" else str(k)): _reason(v) for k, v in body.items()}
        ) from exc
    return SentContribution.objects.create(
        central_id=sent["id"],
        model=model,
        proposal=sent.get("proposal") or proposal,
        source=source,
        status=str(sent.get("status") or "pending"),
        sent_by=by,
    )


def _reason(value: Any) -> str:
    return " ".join(map(str, value)) if isinstance(value, list) else str(value)


def refresh_contributions(client: ReferenceClient) -> int:
    """Bring the curators' decisions on pending corrections; returns how many changed."""
    pending = {c.central_id: c for c in SentContribution.objects.filter(status="pending")}
    if not pending:
        return 0
    changed = 0
    for answer in client.contributions():
        mine = pending.get(answer["id"])
        if mine is not None and answer.get("status") != "pending":
            mine.status = str(answer.get("status"))
            mine.curator_note = str(answer.get("curator_note") or "")
            mine.save(update_fields=["status", "curator_note"])
            changed += 1
    return changed
