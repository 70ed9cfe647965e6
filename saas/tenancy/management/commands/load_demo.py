"""Create the demo tenants, their establishments and administrators (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from saas.demo import load_demo
from saas.tenancy.tasks import refill_spare_pool


class Command(BaseCommand):
    help = (
        "Create what is missing of the demo: the public host, a platform staff user, one GHT "
        "tenant with three establishments and one hospital tenant, each with an administrator. "
        "Running it again changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        done = load_demo()
        for line in done:
            self.stdout.write(f"created {line}")
        if not done:
            self.stdout.write("demo data already present")
        # Sign-ups in the demo should find spare schemas ready: the worker prepares them.
        refill_spare_pool.delay()
