"""Import a nomenclature published as a FHIR CodeSystem (JSON), optionally publishing a release."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saas.audit import audit_context
from shared_reference.fhir import ImportRefused, parse_codesystem
from shared_reference.models import Hierarchy
from shared_reference.services import NothingToPublish, import_codesystem, publish_release


class Command(BaseCommand):
    help = (
        "Import a FHIR R4 CodeSystem file into the reference server. New terms are added, "
        "changed labels updated, terms missing from the file retired. A malformed or foreign "
        "file is refused with the places at fault and changes nothing. With --publish, a "
        "release holding only the differences is published."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--hierarchy",
            choices=Hierarchy.values,
            help="where parents come from (default: the codes for EMDN, the nesting otherwise)",
        )
        parser.add_argument("--publish", action="store_true", help="publish a release afterwards")
        parser.add_argument("--notes", default="", help="release notes (with --publish)")
        parser.add_argument("--by", default="import_codesystem", help="who publishes")

    def execute(self, *args: Any, **options: Any) -> str | None:
        # The audit trail records its changes as an import, not as nobody's.
        with audit_context("import", command="import_codesystem"):
            return super().execute(*args, **options)

    def handle(
        self,
        *args: Any,
        path: Path,
        hierarchy: str | None,
        publish: bool,
        notes: str,
        by: str,
        **options: Any,
    ) -> None:
        try:
            parsed = parse_codesystem(path.read_bytes(), hierarchy=hierarchy)
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from exc
        except ImportRefused as exc:
            raise CommandError(
                "\n".join(
                    [f"{path}: import refused, nothing changed"]
                    + [f"  {p}" for p in exc.problems[:50]]
                )
            ) from exc
        report = import_codesystem(parsed)
        self.stdout.write(str(report))
        if publish:
            try:
                release = publish_release(notes=notes or f"Import of {path.name}", by=by)
            except NothingToPublish:
                self.stdout.write("nothing to publish")
            else:
                self.stdout.write(
                    f"published release {release.number}: {release.change_count} changes"
                )
