"""Sections other apps add to a device's page (its loans between services, say).

The inventory knows nothing of those apps: each registers, in its AppConfig.ready, a function
that returns the HTML of its section for a device and the person looking (empty: nothing to
show), as tenants.plan.sections does for a plan line's page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.safestring import SafeString

from tenants.inventory.models import Device

DeviceSection = Callable[[Device, Any], SafeString | str]
DEVICE_SECTIONS: list[DeviceSection] = []


def register_device_section(section: DeviceSection) -> None:
    if section not in DEVICE_SECTIONS:
        DEVICE_SECTIONS.append(section)


def device_sections(device: Device, user: Any) -> list[SafeString | str]:
    return [html for section in DEVICE_SECTIONS if (html := section(device, user))]
