"""Import the purchasing system's export (CSV or XLSX) into one tenant's catalogue."""

from __future__ import annotations

from typing import Any

from tenants.catalogue.imports import DEFAULT_MAPPING, import_catalogue
from tenants.imports.command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import consumables and accessories from the purchasing system's export into a tenant's "
        "catalogue, upserting by internal code. Markets are found by their reference and lots "
        "by their number within the market. All or nothing: a duplicate code, an unknown market "
        "or lot, a bad price is reported with its line and column and nothing changes. Products "
        "missing from the file are left as they are. Column headers default to: "
        + ", ".join(f"{k}={v!r}" for k, v in DEFAULT_MAPPING.items())
    )
    default_mapping = DEFAULT_MAPPING

    def run_import(self, data: bytes, filename: str, **options: Any) -> Any:
        return import_catalogue(data, filename, **options)
