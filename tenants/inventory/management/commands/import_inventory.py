"""Import a CMMS (GMAO) export (CSV or XLSX) into one tenant's inventory."""

from __future__ import annotations

from typing import Any

from tenants.imports.command import ImportCommand
from tenants.inventory.imports import DEFAULT_MAPPING, import_inventory


class Command(ImportCommand):
    help = (
        "Import devices from a CMMS export into a tenant's inventory, upserting by inventory "
        "number and linking each device to a reference model of the tenant's mirror when one "
        "matches. All or nothing: every problem is reported with its line and column. Devices "
        "missing from the file are left as they are. Column headers default to: "
        + ", ".join(f"{k}={v!r}" for k, v in DEFAULT_MAPPING.items())
    )
    default_mapping = DEFAULT_MAPPING

    def run_import(self, data: bytes, filename: str, **options: Any) -> Any:
        return import_inventory(data, filename, **options)
