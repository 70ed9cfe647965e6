"""The curators' journal: every recorded change of the reference server's entities, newest first.

The audit trail (saas/audit) keeps one event table per tracked model. The journal reads them
all as one list: a UNION of (id, time, kind) over the event tables, filtered and paginated by
PostgreSQL, then, for the 50 events of one page only, their snapshots and the event before each
(what a change is shown from), described by ``saas.audit.history`` as on every object page.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import (
    CharField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas.audit.history import Change, entries_of_events, event_model_of
from saas.labels import display_label, folded_search_expression, search_words
from shared_reference.models import (
    Contribution,
    DeviceModel,
    Lot,
    Manufacturer,
    Market,
    MarketDocument,
    NomenclatureSystem,
    NomenclatureTerm,
    PurchasingBody,
    Release,
    SafetyNotice,
    Subscriber,
    Supplier,
)
from shared_reference.templatetags.reference_words import ENTITY_KINDS

PER_PAGE = 50
CURATORS = "curators"

# Names of the rows an event's label needs (a model's manufacturer), by model then id.
Names = dict[type[Model], dict[Any, str]]


@dataclass(frozen=True)
class Kind:
    """One tracked model as the journal shows it."""

    key: str
    model: type[Model]
    # The entity's name from its recorded snapshot (and the names of the rows it points at).
    label: Callable[[Any, Names], str]
    # Columns of the event table (or annotations of ``searched_related``) the text filter reads.
    searched: tuple[str, ...]
    # The entity's page: URL name and the attribute of the current row it takes.
    page: tuple[str, str] | None = None
    # Names of related rows, for the label: (event field, its model).
    named_related: tuple[tuple[str, type[Model]], ...] = ()
    # Annotations searched as well: name -> (event field, field of the row it points at).
    searched_related: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return str(ENTITY_KINDS[self.key])


def _name(names: Names, model: type[Model], pk: Any) -> str:
    return names.get(model, {}).get(pk, "")


def _market_name(market: Market) -> str:
    return f"{market.purchasing_body.code.upper()} {market.reference}"


KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        Kind(
            "nomenclature_term",
            NomenclatureTerm,
            lambda e, names: f"{e.code} {display_label(e.label_fr, e.label_en)}",
            ("code", "label_fr", "label_en"),
            page=("reference:term_edit", "uuid"),
        ),
        Kind(
            "device_model",
            DeviceModel,
            lambda e, names: " ".join(
                filter(None, [_name(names, Manufacturer, e.manufacturer_id), e.commercial_name])
            ),
            ("commercial_name", "catalogue_reference", "journal_manufacturer"),
            page=("reference:device_model_edit", "uuid"),
            named_related=(("manufacturer_id", Manufacturer),),
            searched_related={"journal_manufacturer": ("manufacturer_id", "name")},
        ),
        Kind("manufacturer", Manufacturer, lambda e, names: e.name, ("name",)),
        Kind(
            "market",
            Market,
            lambda e, names: (
                f"{_name(names, PurchasingBody, e.purchasing_body_id).upper()} "
                f"{e.reference} — {e.title}"
            ).strip(),
            ("reference", "title", "journal_body"),
            page=("reference:market", "uuid"),
            named_related=(("purchasing_body_id", PurchasingBody),),
            searched_related={"journal_body": ("purchasing_body_id", "code")},
        ),
        Kind(
            "lot",
            Lot,
            lambda e, names: (
                f"{_name(names, Market, e.market_id)} lot {e.number} — {e.title}"
            ).strip(),
            ("number", "title", "journal_market"),
            page=("reference:lot", "uuid"),
            named_related=(("market_id", Market),),
            searched_related={"journal_market": ("market_id", "reference")},
        ),
        Kind(
            "purchasing_body",
            PurchasingBody,
            lambda e, names: f"{e.code.upper()} {e.name}",
            ("code", "name"),
            page=("reference:purchasing_body", "uuid"),
        ),
        Kind(
            "market_document",
            MarketDocument,
            lambda e, names: f"{_name(names, Market, e.market_id)} — {e.title}".strip(" —"),
            ("title", "filename", "journal_market"),
            named_related=(("market_id", Market),),
            searched_related={"journal_market": ("market_id", "reference")},
        ),
        Kind(
            "supplier",
            Supplier,
            lambda e, names: e.name,
            ("name", "siren", "city"),
            page=("reference:supplier", "uuid"),
        ),
        Kind(
            "safety_notice",
            SafetyNotice,
            lambda e, names: f"{e.reference} {e.title}",
            ("reference", "title", "issuer"),
        ),
        Kind(
            "nomenclature_system",
            NomenclatureSystem,
            lambda e, names: e.name,
            ("code", "name"),
            page=("reference:nomenclature", "code"),
        ),
        Kind(
            "release",
            Release,
            lambda e, names: str(_("Release %(n)s") % {"n": e.number}),
            ("journal_number", "notes"),
            page=("reference:release_detail", "number"),
        ),
        Kind(
            "contribution",
            Contribution,
            lambda e, names: (
                f"{dict(Contribution.Kind.choices).get(e.kind, e.kind)} n° {e.id} — "
                f"{_name(names, Subscriber, e.subscriber_id)}"
            ).strip(" —"),
            ("source", "journal_subscriber"),
            page=("reference:contribution_decide", "pk"),
            named_related=(("subscriber_id", Subscriber),),
            searched_related={"journal_subscriber": ("subscriber_id", "name")},
        ),
        Kind("subscriber", Subscriber, lambda e, names: e.name, ("name", "contact_email")),
    )
}


def kind_choices() -> list[tuple[str, str]]:
    return [(kind.key, kind.title) for kind in KINDS.values()]


# --- who -----------------------------------------------------------------------------------

IMPORT, COMMAND = "import", "command"


def people_choices() -> list[tuple[Any, Any]]:
    """Whom the journal can be narrowed to: curators, subscribers, imports, commands."""
    users = (
        get_user_model()
        ._default_manager.filter(Q(is_superuser=True) | Q(groups__name=CURATORS))
        .distinct()
        .order_by("email")
    )
    subscribers = Subscriber.objects.order_by("name").values_list("pk", "name")
    return [
        (_("Curators"), [(f"user:{user.pk}", user.get_username()) for user in users]),
        (_("Subscribers (API)"), [(f"subscriber:{pk}", name) for pk, name in subscribers]),
        (
            _("Without a person"),
            [
                (IMPORT, pgettext_lazy("audit", "import")),
                (COMMAND, pgettext_lazy("audit", "command")),
            ],
        ),
    ]


def _who_filter(who: str) -> Q:
    if who in (IMPORT, COMMAND):
        return Q(pgh_context__metadata__source=who)
    prefix, _sep, pk = who.partition(":")
    return Q(**{f"pgh_context__metadata__{prefix}": int(pk)})


# --- the list ------------------------------------------------------------------------------


@dataclass(frozen=True)
class JournalFilters:
    kind: str = ""
    who: str = ""  # "user:3", "subscriber:7", "import", "command"
    start: datetime.date | None = None
    end: datetime.date | None = None
    text: str = ""


def _events_of(kind: Kind, filters: JournalFilters) -> QuerySet[Any]:
    event_model = event_model_of(kind.model)
    assert event_model is not None, f"{kind.model.__name__} is not tracked"
    events = event_model.objects.all()
    if filters.who:
        events = events.filter(_who_filter(filters.who))
    # Dates in the server's time zone: "on 01/12/2026" means that day in France.
    if filters.start:
        events = events.filter(pgh_created_at__date__gte=filters.start)
    if filters.end:
        events = events.filter(pgh_created_at__date__lte=filters.end)
    words = search_words(filters.text)
    if words:
        related: dict[str, Any] = {}
        for name, (link, target_field) in kind.searched_related.items():
            target = event_model._meta.get_field(link.removesuffix("_id")).related_model
            # A subquery, not a join: an event whose related row is gone stays in the list.
            related[name] = Subquery(
                target._default_manager.filter(pk=OuterRef(link)).values(target_field)[:1]
            )
        if kind.key == "release":
            related["journal_number"] = Cast("number", output_field=TextField())
        events = events.annotate(**related).annotate(
            journal_text=folded_search_expression(*kind.searched)
        )
        for word in words:
            events = events.filter(journal_text__contains=word)
    return events.annotate(journal_kind=Value(kind.key, output_field=CharField())).values_list(
        "pgh_id", "pgh_created_at", "journal_kind"
    )


def journal_events(filters: JournalFilters) -> QuerySet[Any]:
    """(event id, time, kind) of every matching event, newest first, as one query."""
    kinds = [KINDS[filters.kind]] if filters.kind else list(KINDS.values())
    first, *rest = [_events_of(kind, filters) for kind in kinds]
    combined = first.union(*rest, all=True) if rest else first
    # Changes of one transaction share its time: kind and id keep their order stable.
    return combined.order_by("-pgh_created_at", "journal_kind", "-pgh_id")


@dataclass
class JournalRow:
    at: datetime.datetime
    who: str
    source: str
    kind: str
    label: str
    url: str
    action: str
    changes: list[Change]


def journal_page(filters: JournalFilters, number: Any) -> Page:  # type: ignore[type-arg]
    """One page of the journal: its rows described, any page number taken (out of range: the
    last page; not a number: the first)."""
    page = Paginator(journal_events(filters), PER_PAGE).get_page(number)
    by_kind: dict[str, list[int]] = defaultdict(list)
    for pgh_id, _at, key in page.object_list:
        by_kind[key].append(pgh_id)
    described: dict[tuple[str, int], JournalRow] = {}
    for key, ids in by_kind.items():
        for pgh_id, row in _rows_of(KINDS[key], ids).items():
            described[(key, pgh_id)] = row
    page.object_list = [described[(key, pgh_id)] for pgh_id, _at, key in page.object_list]
    return page


def _rows_of(kind: Kind, ids: list[int]) -> dict[int, JournalRow]:
    event_model = event_model_of(kind.model)
    assert event_model is not None
    earlier_id = (
        event_model.objects.filter(pgh_obj_id=OuterRef("pgh_obj_id"), pgh_id__lt=OuterRef("pgh_id"))
        .order_by("-pgh_id")
        .values("pgh_id")[:1]
    )
    events = list(
        event_model.objects.filter(pgh_id__in=ids)
        .select_related("pgh_context")
        .annotate(earlier_id=Subquery(earlier_id))
    )
    earlier = event_model.objects.filter(
        pgh_id__in=[e.earlier_id for e in events if e.earlier_id is not None]
    ).select_related("pgh_context")
    entries = entries_of_events(kind.model, events, earlier)
    names = _names_for_labels(kind, events)
    pages = _current_pages(kind, {e.pgh_obj_id for e in events})
    emails = _emails_of(events)
    rows = {}
    for event in events:
        entry = entries[event.pgh_id]
        user = (event.pgh_context.metadata or {}).get("user") if event.pgh_context else None
        rows[event.pgh_id] = JournalRow(
            at=entry.at,
            who=emails.get(user) or entry.who,
            source=entry.source,
            kind=kind.title,
            label=kind.label(event, names),
            url=pages.get(event.pgh_obj_id, ""),
            action=entry.action,
            changes=entry.changes,
        )
    return rows


def _names_for_labels(kind: Kind, events: Iterable[Any]) -> Names:
    names: Names = {}
    for link, model in kind.named_related:
        ids = {getattr(e, link) for e in events} - {None}
        if model is Market:
            markets = Market.objects.select_related("purchasing_body").in_bulk(ids)
            names[model] = {pk: _market_name(m) for pk, m in markets.items()}
        elif model is PurchasingBody:
            names[model] = dict(PurchasingBody.objects.filter(pk__in=ids).values_list("pk", "code"))
        else:
            names[model] = dict(model._default_manager.filter(pk__in=ids).values_list("pk", "name"))
    return names


def _current_pages(kind: Kind, ids: set[Any]) -> dict[Any, str]:
    """The page of each entity that still exists (a deleted one has none)."""
    if kind.page is None:
        return {}
    name, attribute = kind.page
    rows = kind.model._default_manager.filter(pk__in=ids).values_list("pk", attribute)
    return {pk: reverse(name, args=[value]) for pk, value in rows}


def _emails_of(events: Iterable[Any]) -> dict[Any, str]:
    """Curators are named by their e-mail address (the history of an object page says
    their name)."""
    ids = {
        (e.pgh_context.metadata or {}).get("user") for e in events if e.pgh_context is not None
    } - {None}
    users = get_user_model()._default_manager.filter(pk__in=ids)
    return {user.pk: user.get_username() for user in users}
