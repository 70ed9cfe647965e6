"""List table of requests, the column sets of each role's work and the rows' colours."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tenants.access.models import Role
from tenants.requests.models import EquipmentRequest, Priority, RequestState
from tenants.tables.columns import FrenchDateColumn, MoneyColumn, ReferenceColumn
from tenants.tables.listing import ColumnSet, ListTable, RowColour


class RequestTable(ListTable):
    reference = ReferenceColumn(verbose_name=_("reference"))
    id = tables.Column(linkify=True, verbose_name=_("no."))
    title = tables.Column(linkify=True, verbose_name=_("title"))
    campaign = tables.Column(accessor="campaign__name", verbose_name=_("campaign"))
    year = tables.Column(accessor="campaign__year", verbose_name=_("year"))
    uf_code = tables.Column(accessor="uf__code", verbose_name=_("UF"))
    service = tables.Column(accessor="uf__service__name", verbose_name=_("service"))
    pole = tables.Column(accessor="uf__service__pole__name", verbose_name=_("pôle"))
    establishment = tables.Column(
        accessor="uf__service__pole__establishment__name", verbose_name=_("establishment")
    )
    nature = tables.Column(verbose_name=_("nature"))
    priority = tables.Column(verbose_name=_("priority"))
    state = tables.Column(verbose_name=_("state"))
    domain = tables.Column(accessor="domain__name", verbose_name=_("expertise domain"))
    cost = MoneyColumn(verbose_name=_("estimated cost"))
    granted_amount = MoneyColumn(verbose_name=_("granted"))
    requested_by = tables.Column(accessor="requested_by__full_name", verbose_name=_("requester"))
    updated = FrenchDateColumn(verbose_name=_("last change"))

    export_kinds = {"cost": "money"}

    class Meta(ListTable.Meta):
        model = EquipmentRequest
        fields = ()
        empty_text = _("No request matches these filters.")


REQUEST_COLUMNS = (
    "reference",
    "title",
    "campaign",
    "uf_code",
    "priority",
    "state",
    "cost",
    "granted_amount",
    "updated",
)


def _set(key: str, label: str | Promise, columns: tuple[str, ...], *roles: Role) -> ColumnSet:
    return ColumnSet(key, label, columns, frozenset(str(role) for role in roles))


MINE = _set(
    "mine",
    _("My requests"),
    (
        "reference",
        "title",
        "campaign",
        "uf_code",
        "priority",
        "state",
        "cost",
        "granted_amount",
        "updated",
    ),
    Role.REQUESTER,
)
OPINION = _set(
    "opinion",
    _("To give an opinion on"),
    (
        "reference",
        "title",
        "service",
        "uf_code",
        "requested_by",
        "priority",
        "cost",
        "state",
        "updated",
    ),
    Role.POLE_HEAD,
)
DISPATCH = _set(
    "dispatch",
    _("To dispatch"),
    ("reference", "title", "nature", "pole", "service", "domain", "priority", "cost", "state"),
    Role.DISPATCHER,
)
EXPERTISE = _set(
    "expertise",
    _("To expertise"),
    (
        "reference",
        "title",
        "domain",
        "nature",
        "uf_code",
        "service",
        "priority",
        "cost",
        "state",
        "updated",
    ),
    Role.EXPERT,
)
# Management validates before the commission arbitrates: both weigh costs against priorities.
ARBITRATE = _set(
    "arbitrate",
    _("To arbitrate"),
    (
        "reference",
        "title",
        "pole",
        "service",
        "domain",
        "priority",
        "cost",
        "granted_amount",
        "state",
    ),
    Role.COMMISSION,
    Role.MANAGEMENT,
)
ARCHIVED = _set(
    "archived",
    _("Archived"),
    (
        "reference",
        "title",
        "campaign",
        "year",
        "uf_code",
        "state",
        "cost",
        "granted_amount",
        "updated",
    ),
)
# A person holding several roles starts from the first set of one of them: the steps of the
# workflow before their own requests, except on their own requests' page.
REQUEST_SETS = (OPINION, DISPATCH, EXPERTISE, ARBITRATE, MINE, ARCHIVED)
MY_REQUEST_SETS = (MINE, OPINION, DISPATCH, EXPERTISE, ARBITRATE, ARCHIVED)

REQUEST_COLOURS = (
    RowColour(
        "table-danger",
        _("Priority 1: critical"),
        lambda record: record.priority == Priority.CRITICAL,
    ),
    RowColour(
        "table-warning",
        _("More information asked of the requester"),
        lambda record: record.state == RequestState.MORE_INFORMATION,
        frozenset({str(Role.REQUESTER)}),
    ),
)
