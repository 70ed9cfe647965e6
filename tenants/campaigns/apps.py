"""Census campaigns and programmes, their budget envelopes, and equipment requests."""

from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "tenants.campaigns"
    label = "campaigns"
    verbose_name = "Campaigns and requests"

    def ready(self) -> None:
        from tenants.campaigns.models import EquipmentRequest
        from tenants.campaigns.selectors import visible_requests
        from tenants.documents.registry import register

        # Documents and comments on a request: seen and added by whoever sees the request.
        register("request", EquipmentRequest, visible_requests)
