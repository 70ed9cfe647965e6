"""Import a hospital's structure file (CSV or XLSX) into one tenant."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import schema_context

from tenants.structure.imports import DEFAULT_MAPPING, ImportRefused, import_structure


class Command(BaseCommand):
    help = (
        "Import pôles, services and UF from a structure file into a tenant. All or nothing: "
        "every problem is reported with its line and column, and a file with any problem "
        "changes nothing. UF missing from the file are closed, never deleted. Column headers "
        "default to: " + ", ".join(f"{k}={v!r}" for k, v in DEFAULT_MAPPING.items())
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("schema", help="the tenant's schema, e.g. t_ght_somme")
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change, keep nothing"
        )
        parser.add_argument(
            "--column",
            action="append",
            default=[],
            metavar="FIELD=HEADER",
            help="the header of a field in this file (repeatable)",
        )

    def handle(
        self, *args: Any, schema: str, path: Path, dry_run: bool, column: list[str], **options: Any
    ) -> None:
        mapping = {}
        for item in column:
            field, _, header = item.partition("=")
            if field not in DEFAULT_MAPPING or not header:
                fields = ", ".join(DEFAULT_MAPPING)
                raise CommandError(
                    f"--column {item!r}: expected FIELD=HEADER, FIELD among {fields}"
                )
            mapping[field] = header
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from exc
        with schema_context(schema):
            try:
                report = import_structure(data, path.name, mapping=mapping, dry_run=dry_run)
            except ImportRefused as exc:
                lines = [f"{path}: import refused, nothing changed"]
                lines += [f"  {p}" for p in exc.problems[:100]]
                raise CommandError("\n".join(lines)) from exc
        self.stdout.write(str(report))
        if report.closed_ufs:
            self.stdout.write("closed UF: " + ", ".join(report.closed_ufs))
