"""Import French labels of a nomenclature's terms from a CSV file (code;label_fr)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saas.audit import audit_context
from shared_reference.french_labels import PRODUCT_LABELS, LabelsRefused, import_french_labels
from shared_reference.models import LabelStatus, NomenclatureSystem
from shared_reference.services import NothingToPublish, publish_release


class Command(BaseCommand):
    help = (
        "Set the French labels of a nomenclature's terms from a CSV file, one 'code;label_fr' "
        "a line. Without a file, loads the product's own translation of the top two EMDN "
        "levels, marked 'to be confirmed' and never overwriting a label a curator confirmed. "
        "A file naming an unknown code, an empty label or a code twice is refused whole. "
        "With --publish, the changes go out in a release."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, nargs="?", help="default: the product's file")
        parser.add_argument("--system", default="emdn", help="nomenclature code (default emdn)")
        parser.add_argument(
            "--confirmed",
            action="store_true",
            help="the labels come from a curator (default for a file given; the product's own "
            "file stays 'to be confirmed')",
        )
        parser.add_argument("--publish", action="store_true", help="publish a release afterwards")
        parser.add_argument("--by", default="import_french_labels", help="who imports")

    def execute(self, *args: Any, **options: Any) -> str | None:
        # The audit trail records its changes as an import, not as nobody's.
        with audit_context("import", command="import_french_labels"):
            return super().execute(*args, **options)

    def handle(
        self,
        *args: Any,
        path: Path | None,
        system: str,
        confirmed: bool,
        publish: bool,
        by: str,
        **options: Any,
    ) -> None:
        nomenclature = NomenclatureSystem.objects.filter(code=system).first()
        if nomenclature is None:
            raise CommandError(f"no nomenclature {system!r}: import it first (import_codesystem)")
        status = LabelStatus.CONFIRMED if (path and confirmed) else LabelStatus.PRODUCT
        source = path or PRODUCT_LABELS
        try:
            report = import_french_labels(nomenclature, source.read_bytes(), status=status, by=by)
        except OSError as exc:
            raise CommandError(f"{source}: {exc.strerror}") from exc
        except LabelsRefused as exc:
            raise CommandError(
                "\n".join(
                    [f"{source}: refused, nothing changed"] + [f"  {p}" for p in exc.problems[:50]]
                )
            ) from exc
        self.stdout.write(
            f"{report.changed} labels set, {report.unchanged} unchanged, "
            f"{len(report.kept)} confirmed by curators kept"
        )
        if publish:
            try:
                release = publish_release(notes=f"French labels from {source.name}", by=by)
            except NothingToPublish:
                self.stdout.write("nothing to publish")
            else:
                self.stdout.write(
                    f"published release {release.number}: {release.change_count} changes"
                )
