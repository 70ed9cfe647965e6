"""Markets: the central purchasing bodies' framework agreements the hospital follows, and its
own local markets, with their lots, suppliers and the legal entities that use them."""

from typing import Any

from django.apps import AppConfig


class MarketsConfig(AppConfig):
    name = "tenants.markets"
    label = "markets"
    verbose_name = "Markets"

    def ready(self) -> None:
        # The reference sync hands the central markets' changes to this app's tables.
        from django.utils.translation import ngettext

        from saas.audit.history import register_display
        from tenants.markets.models import Lot, Market
        from tenants.markets.sync import register

        register()

        # Histories: a lot's models are reference identifiers and documents are records of
        # the central server, which read as a count and as titles.
        def models_count(value: list[str]) -> str:
            return ngettext("%(count)s model", "%(count)s models", len(value)) % {
                "count": len(value)
            }

        def titles(value: list[Any]) -> str:
            return ", ".join(
                str(d.get("title") or d.get("filename") or "") if isinstance(d, dict) else str(d)
                for d in value
            )

        register_display(Lot, "device_models", models_count)
        register_display(Market, "documents", titles)
        register_display(Lot, "documents", titles)
