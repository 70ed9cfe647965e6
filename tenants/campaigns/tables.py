"""List table of campaigns."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from tenants.campaigns.models import Campaign
from tenants.tables.columns import FrenchDateColumn
from tenants.tables.listing import ListTable


class CampaignTable(ListTable):
    name = tables.Column(linkify=True, verbose_name=_("name"))
    kind = tables.Column(verbose_name=_("kind"))
    nature = tables.Column(verbose_name=_("nature"))
    year = tables.Column(verbose_name=_("year"))
    opens = FrenchDateColumn(verbose_name=_("opens"))
    closes = FrenchDateColumn(verbose_name=_("closes"))
    request_count = tables.Column(verbose_name=_("requests"), attrs={"td": {"class": "text-end"}})

    export_kinds = {"request_count": "number"}

    class Meta(ListTable.Meta):
        model = Campaign
        fields = ()
        empty_text = _("No campaign yet.")


CAMPAIGN_COLUMNS = ("name", "kind", "nature", "year", "opens", "closes", "request_count")
