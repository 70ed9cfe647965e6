"""Reads the audit trail of one object (and of the rows that belong to it) for its page."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pghistory.models
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import pgettext, pgettext_lazy

# The "Via" column: how a change reached the database ("Via la page", "Via l'API").
SOURCE_LABELS = {
    "page": pgettext_lazy("audit source", "the page"),
    "api": pgettext_lazy("audit source", "the API"),
    "task": pgettext_lazy("audit source", "a background task"),
    "import": pgettext_lazy("audit source", "an import"),
    "sync": pgettext_lazy("audit source", "the reference sync"),
    "command": pgettext_lazy("audit source", "a command"),
}
# Who made a change nobody signed in made (an import, a command).
SOURCE_NAMES = {
    "import": pgettext_lazy("audit", "import"),
    "command": pgettext_lazy("audit", "command"),
}
ACTION_LABELS = {
    "insert": pgettext_lazy("audit", "created"),
    "update": pgettext_lazy("audit", "changed"),
    "delete": pgettext_lazy("audit", "deleted"),
}
EMPTY = "—"

# Names Django derived from the code (a field or model given no verbose_name), as people say
# them; a verbose_name the model gives wins.
FIELD_WORDS = {
    "author": pgettext_lazy("audit field", "author"),
    "campaign": pgettext_lazy("audit field", "campaign"),
    "central_status": pgettext_lazy("audit field", "status at the purchasing body"),
    "created_by": pgettext_lazy("audit field", "created by"),
    "data": pgettext_lazy("audit field", "data"),
    "date": pgettext_lazy("audit field", "date"),
    "decided_at": pgettext_lazy("audit field", "decided on"),
    "decided_by": pgettext_lazy("audit field", "decided by"),
    "device_models": pgettext_lazy("audit field", "device models covered"),
    "domain": pgettext_lazy("audit field", "expertise domain"),
    "establishment": pgettext_lazy("audit field", "establishment"),
    "file": pgettext_lazy("audit field", "file"),
    "granted_at": pgettext_lazy("audit field", "granted on"),
    "issuer": pgettext_lazy("audit field", "issuer"),
    "key": pgettext_lazy("audit field", "key"),
    "kind": pgettext_lazy("audit field", "kind"),
    "last_claims": pgettext_lazy("audit field", "last claims received"),
    "last_error": pgettext_lazy("audit field", "last error"),
    "last_error_at": pgettext_lazy("audit field", "last error on"),
    "mapping": pgettext_lazy("audit field", "column mapping"),
    "mime_type": pgettext_lazy("audit field", "file type"),
    "model": pgettext_lazy("audit field", "model"),
    "nomenclature": pgettext_lazy("audit field", "nomenclature codes"),
    "notes": pgettext_lazy("audit field", "notes"),
    "parent": pgettext_lazy("audit field", "parent"),
    "pole": pgettext_lazy("audit field", "pôle"),
    "provider": pgettext_lazy("audit field", "identity provider"),
    "request": pgettext_lazy("audit field", "request"),
    "requested_by": pgettext_lazy("audit field", "requested by"),
    "resume_state": pgettext_lazy("audit field", "state once answered"),
    "scopes": pgettext_lazy("audit field", "OpenID scopes"),
    "service": pgettext_lazy("audit field", "service"),
    "source_provider": pgettext_lazy("audit field", "granted by the provider"),
    "subject": pgettext_lazy("audit field", "identifier at the provider"),
    "updated_by": pgettext_lazy("audit field", "changed by"),
    "uf": pgettext_lazy("audit field", "UF"),
    "uploaded_by": pgettext_lazy("audit field", "added by"),
    "user": pgettext_lazy("audit field", "user"),
}
MODEL_WORDS = {
    "campaign": pgettext_lazy("audit model", "campaign"),
    "claimrolemapping": pgettext_lazy("audit model", "role mapping"),
    "comment": pgettext_lazy("audit model", "comment"),
    "document": pgettext_lazy("audit model", "document"),
    "envelope": pgettext_lazy("audit model", "envelope"),
    "equipmentrequest": pgettext_lazy("audit model", "request"),
    "linestep": pgettext_lazy("audit model", "step"),
    "modeloverlay": pgettext_lazy("audit model", "our notes"),
    "planline": pgettext_lazy("audit model", "plan line"),
    "pole": pgettext_lazy("audit model", "pôle"),
    "requestpart": pgettext_lazy("audit model", "request line"),
    "rolegrant": pgettext_lazy("audit model", "role"),
}
# Bookkeeping that changes with every save and tells a reader nothing, and the machinery's
# own keys (a central row's UUID, its change-log position, a search column).
HIDDEN_FIELDS = frozenset({"version", "match_key", "seq", "central_uuid", "uuid", "search_text"})

# How the values of some fields read, registered by the app that knows their words (a JSON
# proposal's keys as field labels): (tracked model, field name) -> text.
_DISPLAYS: dict[tuple[type[models.Model], str], Callable[[Any], str]] = {}


def register_display(model: type[models.Model], name: str, show: Callable[[Any], str]) -> None:
    """Show the values of ``model.name`` in histories as ``show(value)`` says."""
    _DISPLAYS[(model, name)] = show


def field_label(model_field: models.Field[Any, Any]) -> str:
    """A field's name as people read it: its verbose_name, or our word for its code name."""
    name = model_field.verbose_name
    if not isinstance(name, Promise):  # derived by Django from the attribute's name
        name = FIELD_WORDS.get(model_field.name, name)
    return str(capfirst(name))


def model_label(model: type[models.Model]) -> str:
    name = model._meta.verbose_name
    if not isinstance(name, Promise):
        name = MODEL_WORDS.get(model._meta.model_name or "", name)
    return str(capfirst(name))


def is_shown(model_field: models.Field[Any, Any]) -> bool:
    """Fields a reader of the history cares about: not the times Django stamps itself."""
    if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
        return False
    if isinstance(model_field, models.GeneratedField):
        return False
    return model_field.name not in HIDDEN_FIELDS


def euros(value: decimal.Decimal) -> str:
    """12345.5 -> '12 345,50 €' (the house's money format, whatever the language)."""
    text = f"{value:,.2f}".replace(",", "\u202f").replace(".", ",")
    return f"{text}\u00a0€"


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    at: datetime.datetime
    who: str
    source: str
    action: str
    subject: str  # what changed when it is not the page's object itself ("Part: monitor")
    changes: list[Change] = field(default_factory=list)


@cache
def event_model_of(model: type[models.Model]) -> type[Any] | None:
    """The event model recording ``model``, if it is tracked."""
    for candidate in apps.get_models():
        if (
            issubclass(candidate, pghistory.models.Event)
            and getattr(candidate, "pgh_tracked_model", None) is model
        ):
            return candidate
    return None


def recorded_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The tracked model's fields that its event table copies, in the model's order."""
    event_model = event_model_of(model)
    assert event_model is not None, f"{model.__name__} is not tracked"
    copied = {f.name for f in event_model._meta.concrete_fields}
    return [f for f in model._meta.concrete_fields if f.name in copied and not f.primary_key]


def display(model_field: models.Field[Any, Any], value: Any, related: dict[Any, str]) -> str:
    """A value as a person reads it: choice labels, names of related rows, French dates."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    show = _DISPLAYS.get((model_field.model, model_field.name))
    if show is not None:
        return show(value)
    if model_field.is_relation:
        return related.get(value, f"#{value}")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return pgettext("audit", "yes") if value else pgettext("audit", "no")
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "d/m/Y H:i")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "d/m/Y")
    if isinstance(model_field, models.DecimalField) and model_field.decimal_places == 2:
        # The project's amounts are euros with two decimals (the apps' models say so).
        return euros(decimal.Decimal(value))
    if isinstance(value, decimal.Decimal | int | float):
        return str(formats.localize(value, use_l10n=True))
    if isinstance(value, list):
        # A list of choices (a lot's scopes) reads as their labels.
        labels = dict(getattr(getattr(model_field, "base_field", None), "flatchoices", None) or [])
        return ", ".join(str(labels.get(v, v)) for v in value) or EMPTY
    if isinstance(value, dict):
        # French typography: a no-break space before the colon and the semicolon.
        return "\u00a0; ".join(f"{k}\u00a0: {v}" for k, v in value.items()) or EMPTY
    return str(value)


def _names_of_related(
    fields: Sequence[models.Field[Any, Any]], events: Sequence[Any]
) -> dict[str, dict[Any, str]]:
    """One query per foreign key: the current name of every row the events point at."""
    names: dict[str, dict[Any, str]] = {}
    for model_field in fields:
        if not model_field.is_relation or model_field.related_model is None:
            continue
        ids = {getattr(e, model_field.attname) for e in events} - {None}
        target = model_field.related_model
        assert isinstance(target, type)
        names[model_field.name] = {
            pk: str(row) for pk, row in target._default_manager.in_bulk(ids).items()
        }
    return names


# Changes nobody signed in made: named by what made them ("import", "commande").
NAMED_BY_SOURCE = ("import", "command")


def _who(context: Any, users: dict[Any, str]) -> str:
    if context is None:
        return pgettext("audit", "system")
    metadata = context.metadata or {}
    if metadata.get("user") is not None:
        return users.get(metadata["user"]) or metadata.get("user_label") or f"#{metadata['user']}"
    if metadata.get("user_label"):
        return str(metadata["user_label"])
    if metadata.get("source") in NAMED_BY_SOURCE:
        return str(SOURCE_NAMES[metadata["source"]])
    return pgettext("audit", "system")


def _entries(
    model: type[models.Model],
    events: list[Any],
    subject_of: Any = None,
    shown: Callable[[Any], bool] = lambda event: True,
    link: str = "",
) -> list[HistoryEntry]:
    """The entries of ``events`` (in ``pgh_id`` order) that are ``shown``; the others only
    give the values the next event of their row changed from. ``link``: the field pointing at
    the page's object, which the page need not repeat."""
    # A generic relation points with two fields.
    linking = {link, "content_type"} if link == "object_id" else {link}
    fields = [f for f in recorded_fields(model) if is_shown(f) and f.name not in linking]
    related = _names_of_related(fields, events)
    user_ids = {
        (e.pgh_context.metadata or {}).get("user") for e in events if e.pgh_context is not None
    } - {None}
    users = {u.pk: str(u) for u in get_user_model()._default_manager.filter(pk__in=user_ids)}
    entries = []
    previous: dict[Any, Any] = {}
    for event in events:
        before = previous.get(event.pgh_obj_id)
        if not shown(event):
            previous[event.pgh_obj_id] = event
            continue
        changes = []
        if event.pgh_label != "delete":
            for model_field in fields:
                new = getattr(event, model_field.attname)
                old = getattr(before, model_field.attname) if before is not None else None
                created_empty = before is None and new in (None, "", [], {})
                if (before is not None and new == old) or created_empty:
                    continue
                values = related.get(model_field.name, {})
                changes.append(
                    Change(
                        label=field_label(model_field),
                        before=display(model_field, old, values) if before is not None else "",
                        after=display(model_field, new, values),
                    )
                )
        previous[event.pgh_obj_id] = event
        if event.pgh_label == "update" and before is not None and not changes:
            # Only bookkeeping changed (a version bumped): a row saying nothing is noise.
            continue
        metadata = (event.pgh_context.metadata or {}) if event.pgh_context is not None else {}
        entries.append(
            HistoryEntry(
                at=event.pgh_created_at,
                who=_who(event.pgh_context, users),
                source=str(SOURCE_LABELS.get(metadata.get("source", ""), "")),
                action=str(ACTION_LABELS.get(event.pgh_label, event.pgh_label)),
                subject=subject_of(event) if subject_of else "",
                changes=changes,
            )
        )
    return entries


# A page shows the newest changes only: a device synced and edited for years has thousands.
HISTORY_LIMIT = 50


def _newest_entries(
    model: type[models.Model], events: Any, subject_of: Any = None, link: str = ""
) -> list[HistoryEntry]:
    """The newest HISTORY_LIMIT + 1 changes of ``events``, oldest first. One more than shown
    is read so that the oldest shown has what it changed from; a page that holds more than
    HISTORY_LIMIT says so (history_section)."""
    rows = list(events.select_related("pgh_context").order_by("-pgh_id")[: HISTORY_LIMIT + 2])
    rows.reverse()
    entries = _entries(model, rows, subject_of=subject_of, link=link)
    # The oldest read row is there only for its successor's "before", unless all were read.
    return entries[1:] if len(rows) > HISTORY_LIMIT + 1 else entries


def history_of(
    obj: models.Model,
    *,
    children: Iterable[tuple[type[models.Model], str, str]] = (),
    within: Mapping[type[models.Model], models.Q] | None = None,
) -> list[HistoryEntry]:
    """The recorded changes of ``obj`` and of the rows pointing at it, newest first (up to
    HISTORY_LIMIT + 1 of each: the page shows the newest HISTORY_LIMIT and says when there
    are more).

    ``children`` names rows shown on the same page, as (model, field pointing at ``obj``,
    only this action or ""); their deletions stay visible here after the rows are gone (a
    campaign shows its deleted drafts). A generic relation is named by its ``object_id``.

    ``within`` keeps, of a child model's events, those its filter matches: the rows this
    person may read (a campaign's deleted drafts are their UF's, not everyone's).
    """
    model = type(obj)
    event_model = event_model_of(model)
    # An untracked object (a mirrored copy, whose history the reference server keeps) shows the
    # history of its tracked rows only.
    entries = (
        _newest_entries(model, event_model.objects.filter(pgh_obj_id=obj.pk))
        if event_model is not None
        else []
    )
    for child, link, only in children:
        child_events = event_model_of(child)
        assert child_events is not None, f"{child.__name__} is not tracked"
        lookup: dict[str, Any] = {link if link == "object_id" else f"{link}_id": obj.pk}
        if link == "object_id":
            from django.contrib.contenttypes.models import ContentType

            lookup["content_type_id"] = ContentType.objects.get_for_model(model).pk
        if only:
            lookup["pgh_label"] = only
        kept = (within or {}).get(child, models.Q())
        name = model_label(child)
        entries += _newest_entries(
            child,
            child_events.objects.filter(kept, **lookup),
            subject_of=lambda e, name=name: f"{name} « {_label(e)} »",
            link=link,
        )
    # One transaction stamps all its changes with the same time: keep their order within it.
    order = {id(entry): n for n, entry in enumerate(entries)}
    entries.sort(key=lambda e: (e.at, order[id(e)]), reverse=True)
    return entries


def entries_of_events(
    model: type[models.Model], events: Iterable[Any], earlier: Iterable[Any] = ()
) -> dict[int, HistoryEntry]:
    """The entry of each of ``events`` (of ``model``, any order), by ``pgh_id``.

    ``earlier`` holds, for each event whose row had one, the event just before it: what its
    changes are shown from. A page of a journal across rows and models passes those.
    """
    events = list(events)
    wanted = {event.pgh_id for event in events}
    together = sorted({e.pgh_id: e for e in [*earlier, *events]}.values(), key=lambda e: e.pgh_id)
    entries = _entries(model, together, shown=lambda event: event.pgh_id in wanted)
    return dict(zip((e.pgh_id for e in together if e.pgh_id in wanted), entries, strict=True))


def _label(event: Any) -> str:
    """A child row's name as its own __str__ would say it, from the recorded snapshot."""
    tracked = event.pgh_tracked_model
    values = {
        f.attname: getattr(event, f.attname)
        for f in tracked._meta.concrete_fields
        if hasattr(event, f.attname)
    }
    try:
        return str(tracked(**values))
    except Exception:  # a __str__ reaching a related row that is gone
        return f"#{event.pgh_obj_id}"
