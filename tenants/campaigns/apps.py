"""Census campaigns and programmes, and their budget envelopes."""

from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "tenants.campaigns"
    label = "campaigns"
    verbose_name = "Campaigns"
