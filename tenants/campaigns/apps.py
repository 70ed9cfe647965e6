"""Census campaigns and programmes, and their budget envelopes."""

from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "tenants.campaigns"
    label = "campaigns"
    verbose_name = "Campaigns"

    def ready(self) -> None:
        from saas.audit.history import register_display
        from tenants.campaigns.models import Campaign

        # Histories name a campaign's steps, never their codes (pole_opinion).
        register_display(Campaign, "steps", steps_label)


def steps_label(steps: list[str]) -> str:
    from tenants.campaigns.models import Step

    labels = dict(Step.choices)
    return ", ".join(str(labels.get(step, step)) for step in steps)
