"""Prepare spare schemas so that sign-ups are provisioned instantly."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from saas.tenancy.provisioning import refill_spare_pool, spare_count


class Command(BaseCommand):
    help = (
        "Create and migrate spare tenant schemas until the pool holds --size of them "
        "(default: SPARE_SCHEMA_POOL_SIZE). Spares are ordinary registry rows, so "
        "migrate_schemas keeps them up to date."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", type=int, default=settings.SPARE_SCHEMA_POOL_SIZE)

    def handle(self, *args: Any, size: int, **options: Any) -> None:
        created = refill_spare_pool(size)
        schemas = "schema" if created == 1 else "schemas"
        self.stdout.write(f"created {created} spare {schemas}; pool holds {spare_count()}")
