"""Markets: the central purchasing bodies' framework agreements the hospital follows, and its
own local markets, with their lots, suppliers and the legal entities that use them."""

from django.apps import AppConfig


class MarketsConfig(AppConfig):
    name = "tenants.markets"
    label = "markets"
    verbose_name = "Markets"

    def ready(self) -> None:
        # The reference sync hands the central markets' changes to this app's tables.
        from tenants.markets.sync import register

        register()
