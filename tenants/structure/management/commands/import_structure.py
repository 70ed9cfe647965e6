"""Import a hospital's structure file (CSV or XLSX) into one tenant."""

from __future__ import annotations

from typing import Any

from tenants.imports.command import ImportCommand
from tenants.structure.imports import DEFAULT_MAPPING, import_structure


class Command(ImportCommand):
    help = (
        "Import pôles, services and UF from a structure file into a tenant. All or nothing: "
        "every problem is reported with its line and column, and a file with any problem "
        "changes nothing. UF missing from the file are closed, never deleted. Column headers "
        "default to: " + ", ".join(f"{k}={v!r}" for k, v in DEFAULT_MAPPING.items())
    )
    default_mapping = DEFAULT_MAPPING

    def run_import(self, data: bytes, filename: str, **options: Any) -> Any:
        return import_structure(data, filename, **options)

    def report_details(self, report: Any) -> None:
        if report.closed_ufs:
            self.stdout.write("closed UF: " + ", ".join(report.closed_ufs))
