"""The trials' list: one row per trial, coloured by where it stands."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from tenants.tables.columns import FrenchDateColumn, ReferenceColumn
from tenants.tables.listing import ListTable, RowColour
from tenants.trials.models import Trial, TrialState
from tenants.trials.rules import LENT_STATES, is_overdue


class TrialTable(ListTable):
    reference = ReferenceColumn(verbose_name=_("reference"))
    device = tables.Column(linkify=True, verbose_name=_("device"))
    manufacturer = tables.Column(verbose_name=_("manufacturer or supplier"))
    uf_code = tables.Column(accessor="uf__code", verbose_name=_("UF"))
    uf_name = tables.Column(accessor="uf__name", verbose_name=_("UF name"))
    establishment = tables.Column(
        accessor="uf__service__pole__establishment__name", verbose_name=_("establishment")
    )
    domain = tables.Column(accessor="domain__name", verbose_name=_("expertise domain"))
    expert = tables.Column(
        accessor="expert__full_name",
        order_by=("expert__full_name", "expert__email"),
        verbose_name=_("expert in charge"),
    )
    state = tables.Column(verbose_name=_("state"))
    planned_start = FrenchDateColumn(verbose_name=_("planned start"))
    planned_return = FrenchDateColumn(verbose_name=_("planned return"))
    delivered_on = FrenchDateColumn(verbose_name=_("delivered on"))
    returned_on = FrenchDateColumn(verbose_name=_("returned on"))
    ce_marked = tables.BooleanColumn(verbose_name=_("CE marked"))
    plan_line = tables.Column(
        accessor="plan_line__reference",
        linkify=lambda record: record.plan_line.get_absolute_url() if record.plan_line else None,
        verbose_name=_("plan line"),
    )
    contact_name = tables.Column(verbose_name=_("supplier's contact"))
    created = FrenchDateColumn(verbose_name=_("added"))

    class Meta(ListTable.Meta):
        model = Trial
        fields = ()
        empty_text = _("No trial yet: the biomedical team records the loans it asks for here.")


# What fits 1280 px; the start date and the others are in the column chooser.
TRIAL_COLUMNS = (
    "reference",
    "device",
    "manufacturer",
    "uf_code",
    "expert",
    "state",
    "planned_return",
    "plan_line",
)


TRIAL_COLOURS = (
    RowColour("table-danger", _("Lent past its planned return date"), is_overdue),
    RowColour(
        "table-info",
        _("Device at the hospital (delivered or in trial)"),
        lambda trial: trial.state in LENT_STATES,
    ),
    RowColour("table-success", _("Bought after its trial"), lambda t: t.state == TrialState.BOUGHT),
    RowColour(
        "table-secondary",
        _("Over: returned, refused or cancelled"),
        lambda t: t.state in (TrialState.RETURNED, TrialState.REFUSED, TrialState.CANCELLED),
    ),
)
