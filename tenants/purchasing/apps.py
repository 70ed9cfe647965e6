"""Purchasing: off-contract exceptions, purchase files and purchase requests (DRA)."""

from django.apps import AppConfig


class PurchasingConfig(AppConfig):
    name = "tenants.purchasing"
    label = "purchasing"
    verbose_name = "Purchasing"

    def ready(self) -> None:
        from tenants.core.suggest import register_source
        from tenants.documents.registry import register
        from tenants.markets.sections import MARKET_SECTIONS
        from tenants.plan.sections import register_line_section
        from tenants.purchasing import rules, suggestions
        from tenants.purchasing.documents import document_context
        from tenants.purchasing.models import PurchaseFile, PurchaseRequest
        from tenants.purchasing.rules import may_edit, may_edit_file
        from tenants.purchasing.sections import line_purchases, market_purchases
        from tenants.purchasing.selectors import files_for, requests_for
        from tenants.wordtemplates import kinds
        from tenants.wordtemplates.registry import register_kind

        register(
            "purchase_request",
            PurchaseRequest,
            requests_for,
            may_add=lambda user, item: may_edit(user, item),
        )
        register("purchase_file", PurchaseFile, files_for, may_add=lambda u, f: may_edit_file(u, f))
        register_line_section(line_purchases)
        MARKET_SECTIONS.register(market_purchases)
        register_source("purchasing_supplier", suggestions.suppliers, can_use=rules.may_view)
        register_source("purchasing_person", suggestions.people, can_use=rules.may_view)
        register_source("purchasing_lot", suggestions.lots, can_use=rules.may_create)
        register_source("purchasing_plan_line", suggestions.plan_lines, can_use=rules.may_create)
        # The purchase request form and the order letter, filled in from the request.
        register_kind(kinds.PURCHASE_REQUEST_FORM, context=document_context)
        register_kind(kinds.ORDER_LETTER, context=document_context)
