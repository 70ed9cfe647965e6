"""The management command every import shares: a schema, a file, --dry-run and --column."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import schema_context

from tenants.imports.reader import ImportRefused


class ImportCommand(BaseCommand):
    default_mapping: dict[str, str] = {}

    def run_import(self, data: bytes, filename: str, **options: Any) -> Any:
        raise NotImplementedError

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
            if field not in self.default_mapping or not header:
                fields = ", ".join(self.default_mapping)
                raise CommandError(
                    f"--column {item!r}: expected FIELD=HEADER, FIELD among {fields}"
                )
            mapping[field] = header
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from exc
        progress: Callable[[str, int, int], None] | None = None
        with schema_context(schema):
            try:
                report = self.run_import(
                    data, path.name, mapping=mapping, dry_run=dry_run, progress=progress
                )
            except ImportRefused as exc:
                lines = [f"{path}: import refused, nothing changed"]
                lines += [f"  {p}" for p in exc.problems[:100]]
                raise CommandError("\n".join(lines)) from exc
        self.stdout.write(str(report))
        self.report_details(report)

    def report_details(self, report: Any) -> None:
        pass
