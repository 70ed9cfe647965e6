"""The findings' list: one row per finding, coloured by its level."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from tenants.controls.models import Finding, FindingState, Level
from tenants.controls.registry import check_for
from tenants.tables.columns import FrenchDateColumn
from tenants.tables.listing import ListTable, RowColour

FINDING_COLOURS = (
    RowColour("table-danger", _("Critical"), lambda r: r.level == Level.CRITICAL),
    RowColour("table-warning", _("Major"), lambda r: r.level == Level.MAJOR),
    RowColour("table-secondary", _("Closed or accepted"), lambda r: r.state != FindingState.OPEN),
)


def message_of(finding: Finding) -> str:
    check = check_for(finding.code)
    if check is None:
        return finding.key
    try:
        return check.message(finding.data)
    except (KeyError, TypeError, ValueError):
        # Data written by an older version of the check: its title says enough.
        return str(check.title)


class FindingTable(ListTable):
    level = tables.Column(verbose_name=_("level"))
    # Its title, from the check's code (the code itself is what the list filters on).
    control = tables.Column(accessor="pk", verbose_name=_("control"), order_by=("code", "key"))
    message = tables.Column(accessor="pk", verbose_name=_("finding"), orderable=False, linkify=True)
    key = tables.Column(verbose_name=_("about"))
    buyer = tables.Column(verbose_name=_("buyer"))
    uf_code = tables.Column(accessor="uf__code", verbose_name=_("UF"))
    state = tables.Column(verbose_name=_("state"))
    opened = FrenchDateColumn(verbose_name=_("opened"))
    closed = FrenchDateColumn(verbose_name=_("closed"))
    assigned_to = tables.Column(
        accessor="assigned_to__full_name",
        order_by=("assigned_to__full_name", "assigned_to__email"),
        verbose_name=_("assigned to"),
    )

    class Meta(ListTable.Meta):
        model = Finding
        fields = ()
        empty_text = _("No finding matches these filters.")

    def render_control(self, record: Finding) -> str:
        check = check_for(record.code)
        return str(check.title) if check else record.code

    def value_control(self, record: Finding) -> str:
        return self.render_control(record)

    def render_message(self, record: Finding) -> str:
        return message_of(record)

    def value_message(self, record: Finding) -> Any:
        return message_of(record)


FINDING_COLUMNS = ("level", "control", "message", "buyer", "uf_code", "state", "opened")
