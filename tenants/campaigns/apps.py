"""Census campaigns and programmes, their budget envelopes, and equipment requests."""

from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "tenants.campaigns"
    label = "campaigns"
    verbose_name = "Campaigns and requests"
