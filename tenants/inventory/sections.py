"""Sections other apps add to a device's page (its loans between services, say): the inventory
knows nothing of those apps (tenants.core.sections)."""

from __future__ import annotations

from tenants.core.sections import PageSections
from tenants.inventory.models import Device

DEVICE_SECTIONS: PageSections[Device] = PageSections()
register_device_section = DEVICE_SECTIONS.register
device_sections = DEVICE_SECTIONS.render
