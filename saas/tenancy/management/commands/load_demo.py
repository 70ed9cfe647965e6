"""Create the demo tenants, their establishments and administrators (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from demo.people import DEMO_TENANTS
from demo.tenants import demo_api_key, load_demo
from saas.audit import audit_context
from saas.tenancy.tasks import refill_spare_pool
from saas.tenancy.urls_helpers import public_url


class Command(BaseCommand):
    help = (
        "Create what is missing of the demo: the public host, a platform staff user, one GHT "
        "tenant with three establishments and one hospital tenant, each with an administrator. "
        "Running it again changes nothing."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--tenant",
            action="append",
            default=[],
            metavar="SUBDOMAIN",
            help="Only this demo tenant (repeatable); all of them by default.",
        )

    def execute(self, *args: Any, **options: Any) -> str | None:
        # The audit trail records its changes as made by a command, not as nobody's.
        with audit_context("command", command="load_demo"):
            return super().execute(*args, **options)

    def handle(self, *args: Any, **options: Any) -> None:
        known = {demo.subdomain for demo in DEMO_TENANTS}
        unknown = sorted(set(options["tenant"]) - known)
        if unknown:
            raise CommandError(
                f"unknown demo tenant {', '.join(unknown)}: one of {', '.join(sorted(known))}"
            )
        done = load_demo(only=options["tenant"])
        for line in done:
            self.stdout.write(f"created {line}")
        if not done:
            self.stdout.write("demo data already present")
        # Sign-ups in the demo should find spare schemas ready: the worker prepares them.
        refill_spare_pool.delay()
        key = demo_api_key()
        self.stdout.write(
            "Reference sync API key of the demo's on-premises installation (valid until the next "
            f"start):\n  curl -H 'Authorization: Api-Key {key}' "
            f"'{public_url('/api/reference/v1/changes/')}?since=0&limit=5'"
        )
