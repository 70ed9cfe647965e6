"""Create a reference subscriber and print its API key (shown once, stored hashed)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from saas.audit import audit_context
from shared_reference.models import Subscriber, SubscriberAPIKey


class Command(BaseCommand):
    help = (
        "Create a subscriber of the reference sync API and print a new API key for it. The key "
        "is stored hashed and cannot be shown again; revoke it with --revoke PREFIX."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="who syncs (a hospital, an on-premises installation)")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--mirror-everything",
            action="store_true",
            help="receive the whole catalogue (on-premises installations)",
        )

    def execute(self, *args: Any, **options: Any) -> str | None:
        # The audit trail records its changes as made by a command, not as nobody's.
        with audit_context("command", command="create_subscriber"):
            return super().execute(*args, **options)

    def handle(
        self, *args: Any, name: str, email: str, mirror_everything: bool, **options: Any
    ) -> None:
        subscriber = Subscriber.objects.create(
            name=name, contact_email=email, mirrors_everything=mirror_everything
        )
        _key, secret = SubscriberAPIKey.objects.create_key(
            name=f"{name} key", subscriber=subscriber
        )
        self.stdout.write(f"subscriber {subscriber.pk}: {name}")
        self.stdout.write(f"API key (shown once): {secret}")
