"""The impact step: after a sync, what the mirrored references now mean for this tenant.

It looks at the state, not at the changes of the last page: an end of support that entered the
window, a notice on an owned model, a retired code in use, a market ending soon all raise the
same alert whether they came in one sync or over several, and running the step again (after a
crash, or a sync that brought nothing) raises nothing new. Alerts whose cause went away (a date
moved out of the window, a notice withdrawn) are closed with the reason.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from saas.dates import add_months
from tenants.alerts.models import Alert, AlertKind, AlertSettings
from tenants.inventory.models import Device
from tenants.markets.models import Market
from tenants.mirror.models import ReferenceDeviceModel, ReferenceEntity, ReferenceTerm
from tenants.mirror.overlays import LOCAL, effective_end_of_support, overlay_of


@dataclass
class ImpactReport:
    raised: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    closed: int = 0

    def __str__(self) -> str:
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(self.raised.items())) or "none"
        return f"alerts raised: {kinds}; closed: {self.closed}"


@dataclass(frozen=True)
class Wanted:
    kind: str
    key: str
    reference_uuid: uuid.UUID
    data: dict[str, Any]
    device_count: int = 0
    unit_ids: frozenset[int] = frozenset()


@transaction.atomic
def raise_alerts(today: date | None = None) -> ImpactReport:
    today = today or timezone.localdate()
    window = AlertSettings.current()
    owned = _owned_models()
    wanted = [
        *_end_of_support(owned, add_months(today, window.end_of_support_months)),
        *_safety_notices(owned),
        *_retired_codes(owned),
        *_markets_ending(today, add_months(today, window.market_months)),
    ]
    report = ImpactReport()
    existing = {
        a.key: a
        for a in Alert.objects.filter(key__in=[w.key for w in wanted]).prefetch_related("units")
    }
    new = [w for w in wanted if w.key not in existing]
    created = Alert.objects.bulk_create(
        [
            Alert(
                kind=w.kind,
                key=w.key,
                reference_uuid=w.reference_uuid,
                data=w.data,
                device_count=w.device_count,
            )
            for w in new
        ],
        batch_size=1000,
    )
    Through = Alert.units.through
    Through.objects.bulk_create(
        [
            Through(alert_id=alert.pk, functionalunit_id=unit)
            for alert, w in zip(created, new, strict=True)
            for unit in w.unit_ids
        ],
        batch_size=2000,
    )
    for w in new:
        report.raised[w.kind] += 1
    for w in wanted:
        alert = existing.get(w.key)
        if alert is None:
            continue
        reopened = alert.closed is not None
        if reopened:
            report.raised[w.kind] += 1
        if reopened or alert.data != w.data or alert.device_count != w.device_count:
            alert.closed, alert.close_reason = None, ""
            alert.data, alert.device_count = w.data, w.device_count
            alert.save(update_fields=["data", "device_count", "closed", "close_reason"])
        if {u.pk for u in alert.units.all()} != w.unit_ids:
            alert.units.set(w.unit_ids)
    report.closed = _close_the_rest({w.key for w in wanted})
    return report


@dataclass(frozen=True)
class Owned:
    model: ReferenceDeviceModel
    devices: int
    units: frozenset[int]


def _owned_models() -> dict[uuid.UUID, Owned]:
    counts = dict(
        Device.objects.filter(reference_model__isnull=False)
        .values_list("reference_model")
        .annotate(n=Count("pk"))
    )
    units: dict[int, set[int]] = defaultdict(set)
    for model_id, uf_id in (
        Device.objects.filter(reference_model__isnull=False)
        .values_list("reference_model", "uf")
        .distinct()
    ):
        units[model_id].add(uf_id)
    models = ReferenceDeviceModel.objects.filter(pk__in=counts).select_related(
        "manufacturer", "overlay"
    )
    return {m.uuid: Owned(m, counts[m.pk], frozenset(units[m.pk])) for m in models}


def _model_data(model: ReferenceDeviceModel) -> dict[str, Any]:
    return {
        "model": model.commercial_name,
        "manufacturer": model.manufacturer.name,
        "model_uuid": str(model.uuid),
    }


def _end_of_support(owned: dict[uuid.UUID, Owned], horizon: date) -> list[Wanted]:
    wanted = []
    for key, item in owned.items():
        model = item.model
        effective = effective_end_of_support(model)  # the hospital's own date wins
        ends = effective.value
        if ends is None or ends > horizon or model.status == "deleted":
            continue
        overlay = overlay_of(model)
        wanted.append(
            Wanted(
                AlertKind.END_OF_SUPPORT,
                f"eos:{key}:{ends.isoformat()}",
                key,
                {
                    **_model_data(model),
                    "date": ends.isoformat(),
                    "source": (overlay.note if overlay else "")
                    if effective.source == LOCAL
                    else model.end_of_support_source,
                    "local": effective.source == LOCAL,
                },
                item.devices,
                item.units,
            )
        )
    return wanted


def _safety_notices(owned: dict[uuid.UUID, Owned]) -> list[Wanted]:
    wanted = []
    notices = ReferenceEntity.objects.filter(entity_type="safety_notice").exclude(status="deleted")
    for notice in notices:
        payload = notice.payload
        try:
            model_uuid = uuid.UUID(str(payload.get("device_model")))
        except ValueError:
            continue
        item = owned.get(model_uuid)
        if item is None:
            continue
        wanted.append(
            Wanted(
                AlertKind.SAFETY_NOTICE,
                f"notice:{notice.uuid}",
                notice.uuid,
                {
                    **_model_data(item.model),
                    "title": str(payload.get("title") or ""),
                    "reference": str(payload.get("reference") or ""),
                    "issuer": str(payload.get("issuer") or ""),
                    "date": payload.get("date"),
                    "link": str(payload.get("link") or ""),
                },
                item.devices,
                item.units,
            )
        )
    return wanted


def _retired_codes(owned: dict[uuid.UUID, Owned]) -> list[Wanted]:
    """Codes of owned models that the nomenclature retired, with what replaces them."""
    users: dict[str, list[Owned]] = defaultdict(list)
    for item in owned.values():
        for qualified in item.model.nomenclature or []:
            users[str(qualified)].append(item)
    if not users:
        return []
    wanted = []
    retired = ReferenceTerm.objects.exclude(status="active").filter(
        code__in={q.split(":", 1)[-1] for q in users}
    )
    for term in retired:
        items = users.get(f"{term.system}:{term.code}", [])
        if not items:
            continue
        wanted.append(
            Wanted(
                AlertKind.RETIRED_CODE,
                f"code:{term.system}:{term.code}",
                term.uuid,
                {
                    "system": term.system,
                    "code": term.code,
                    "label": term.label,
                    "replacement": term.replacement,
                    "models": sorted(str(i.model) for i in items)[:20],
                },
                sum(i.devices for i in items),
                frozenset().union(*(i.units for i in items)),
            )
        )
    return wanted


# A local market has no central UUID: its alerts carry one made from its id, always the same.
LOCAL_MARKETS = uuid.UUID("6f1c1f9e-5d0a-4c7e-9a57-0d3f7d1c2b10")


def _markets_ending(today: date, horizon: date) -> list[Wanted]:
    """Markets in force (central ones still followed, and the hospital's own) whose last day,
    renewals included, falls within the window."""
    wanted = []
    markets = (
        Market.objects.filter(ends__gte=today, ends__lte=horizon)
        .exclude(central_status="deleted")
        .exclude(is_followed=False)
    )
    for market in markets:
        ends = market.ends
        assert ends is not None  # filtered on
        if market.central_uuid is not None:
            key, reference = f"market:{market.central_uuid}:{ends.isoformat()}", market.central_uuid
        else:
            key = f"market:local:{market.pk}:{ends.isoformat()}"
            reference = uuid.uuid5(LOCAL_MARKETS, str(market.pk))
        wanted.append(
            Wanted(
                AlertKind.MARKET_ENDING,
                key,
                reference,
                {"title": market.title, "reference": market.reference, "date": ends.isoformat()},
            )
        )
    return wanted


def _close_the_rest(still_wanted: set[str]) -> int:
    """Open alerts whose cause is gone: closed, with the reason (kept for the record)."""
    stale = Alert.objects.filter(closed__isnull=True).exclude(key__in=still_wanted)
    return stale.update(closed=timezone.now(), close_reason="no longer applies")
