"""Compact the reference change log: drop versions superseded before a release."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shared_reference.services import compact_change_log


class Command(BaseCommand):
    help = (
        "Delete the change-log rows of releases older than --before-release that a later row "
        "supersedes, and move the feed's horizon there: subscribers whose cursor is older get "
        "410 Gone and start again from the snapshot."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--before-release", type=int, required=True)

    def handle(self, *args: Any, before_release: int, **options: Any) -> None:
        try:
            removed = compact_change_log(before_release=before_release)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"removed {removed} superseded change-log rows")
