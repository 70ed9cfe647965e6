"""Fixed assets meet the CMMS's devices.

Sure pairs: a person's decision first (``AssetMatch``); then the asset carrying the device's
inventory number; then both carrying the same serial number (when no other asset or device
does). Each asset pairs with one device at most, and each device with one asset.

Likely pairs, proposed for a person to confirm (the reconciliation page): an asset left alone
and a device left alone bought by the same order, scored by their UF, value and commissioning
date; each device is proposed for one asset at most.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from tenants.finance.models import AssetMatch, FixedAsset
from tenants.inventory.models import Device

SURE = ("decision", "inventory", "serial")
NOT_ALPHANUMERIC = re.compile(r"[^0-9A-Za-z]")


@dataclass
class Pairs:
    by_asset: dict[int, int] = field(default_factory=dict)  # asset id -> device id
    by_device: dict[int, int] = field(default_factory=dict)  # device id -> asset id
    reasons: dict[int, str] = field(default_factory=dict)  # asset id -> one of SURE
    # Assets a person said have no device: never proposed again.
    without_device: set[int] = field(default_factory=set)

    def add(self, asset: int, device: int, reason: str) -> None:
        if asset in self.by_asset or device in self.by_device or asset in self.without_device:
            return
        self.by_asset[asset], self.by_device[device] = device, asset
        self.reasons[asset] = reason


def _serial(text: str) -> str:
    """Serial numbers as the CMMS and the books write them: "SN-2", "sn 2" are "SN2"."""
    return NOT_ALPHANUMERIC.sub("", text).upper()


def pairs() -> Pairs:
    found = Pairs()
    for asset, device in AssetMatch.objects.values_list("asset_id", "device_id"):
        if device is None:
            found.without_device.add(asset)
        else:
            found.add(asset, device, "decision")
    devices = list(Device.objects.values_list("pk", "inventory_number", "serial_number"))
    assets = list(FixedAsset.objects.values_list("pk", "inventory_number", "serial_number"))
    by_number = {number: pk for pk, number, _serial_number in devices}
    for asset, number, _serial_number in assets:
        if number and number in by_number:
            found.add(asset, by_number[number], "inventory")
    # A serial number shared by two devices (or two assets) pairs nothing: it is not sure.
    device_serials = Counter(_serial(s) for _pk, _n, s in devices if s)
    asset_serials = Counter(_serial(s) for _pk, _n, s in assets if s)
    by_serial = {_serial(s): pk for pk, _n, s in devices if s and device_serials[_serial(s)] == 1}
    for asset, _number, serial in assets:
        key = _serial(serial) if serial else ""
        if key and asset_serials[key] == 1 and key in by_serial:
            found.add(asset, by_serial[key], "serial")
    return found


@dataclass(frozen=True)
class Proposal:
    asset: dict[str, Any]
    device: dict[str, Any]
    score: int  # 1 (same order only) to 4 (and same UF, close value, close date)


ASSET_FIELDS = (
    "pk",
    "sheet",
    "label",
    "inventory_number",
    "order_number",
    "order_line",
    "value",
    "uf_id",
    "uf__code",
    "commissioning_date",
)
DEVICE_FIELDS = (
    "pk",
    "inventory_number",
    "manufacturer_name",
    "model_name",
    "serial_number",
    "order_number",
    "purchase_value",
    "uf_id",
    "uf__code",
    "commissioning_date",
)


def _close(a: Decimal | None, b: Decimal | None) -> bool:
    return a is not None and b is not None and abs(a - b) <= max(a, b) * Decimal("0.05")


def _near(a: date | None, b: date | None) -> bool:
    return a is not None and b is not None and abs((a - b).days) <= 90


def proposals(found: Pairs | None = None) -> list[Proposal]:
    """The likely pairs among what the sure rules leave alone, best first."""
    found = found or pairs()
    assets = [
        a
        for a in FixedAsset.objects.filter(disposed__isnull=True)
        .exclude(order_number="")
        .values(*ASSET_FIELDS)
        if a["pk"] not in found.by_asset and a["pk"] not in found.without_device
    ]
    numbers = {a["order_number"] for a in assets}
    candidates: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for device in Device.objects.filter(order_number__in=numbers).values(*DEVICE_FIELDS):
        if device["pk"] not in found.by_device:
            candidates[device["order_number"]].append(device)
    scored: list[Proposal] = []
    for asset in assets:
        for device in candidates.get(asset["order_number"], []):
            score = (
                1
                + (asset["uf_id"] == device["uf_id"])
                + _close(asset["value"], device["purchase_value"])
                + _near(asset["commissioning_date"], device["commissioning_date"])
            )
            scored.append(Proposal(asset, device, score))
    scored.sort(key=lambda p: (-p.score, p.asset["sheet"], p.device["inventory_number"]))
    taken_assets: set[int] = set()
    taken_devices: set[int] = set()
    best: list[Proposal] = []
    for proposal in scored:
        if proposal.asset["pk"] in taken_assets or proposal.device["pk"] in taken_devices:
            continue
        taken_assets.add(proposal.asset["pk"])
        taken_devices.add(proposal.device["pk"])
        best.append(proposal)
    return best
