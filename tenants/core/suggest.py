"""Suggest-as-you-type: sources of suggestions, and the widgets that ask them.

A source turns what the person typed into at most LIMIT (value, label) pairs, among what that
person may choose (a requester is offered the UF they may ask for, not every UF). Each app
registers its sources with ``register_source`` in its AppConfig.ready. The widgets ask
/suggest/<source>/ with htmx as the person types and show the answers under the field;
choosing one fills the field (SuggestInput: the value itself, for codes) or a hidden input
(SuggestSelect: an id, with the label shown).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import ngettext

LIMIT = 15

# (what the person typed, the person) -> at most LIMIT (value, label) pairs
Find = Callable[[str, Any], list[tuple[str, str]]]


def anyone(user: Any) -> bool:
    return True


@dataclass(frozen=True)
class Source:
    find: Find
    can_use: Callable[[Any], bool] = anyone  # the person -> may they ask this source


# Each app registers its own sources in AppConfig.ready: this module knows none of them.
SOURCES: dict[str, Source] = {}


def register_source(name: str, find: Find, *, can_use: Callable[[Any], bool] = anyone) -> None:
    """Serve ``find`` at /suggest/<name>/, to the people ``can_use`` lets in."""
    SOURCES[name] = Source(find, can_use)


def _flat(choices: Any) -> list[tuple[str, str]]:
    """Choices with their groups opened: [(value, label), ...] as text."""
    flat: list[tuple[str, str]] = []
    for value, text in choices:
        if isinstance(text, list | tuple):
            flat += [(str(v), str(t)) for v, t in text]
        else:
            flat.append((str(value), str(text)))
    return flat


# Numbers the suggestion lists of fields rendered without an id: each list needs its own.
_unnamed = itertools.count(1)


def suggest_context(attrs: dict[str, Any], source: str) -> dict[str, Any]:
    """What both widgets' templates draw: the list of suggestions, its id, where it asks, and
    the words suggest.js says when suggestions arrive.

    The field becomes a WAI-ARIA combobox in suggest.js only (role, aria-expanded,
    aria-controls): without JavaScript it is a plain text field, not a combobox that never
    opens.
    """
    listbox = f"{attrs.get('id') or f'suggest_{next(_unnamed)}'}_suggestions"
    return {
        "listbox_id": listbox,
        "suggest_url": reverse("suggest", args=[source]),
        # "%(count)s" is replaced in suggest.js; one text for 1, one for more (French and
        # English need no more forms).
        "count_one": ngettext("%(count)s suggestion", "%(count)s suggestions", 1),
        "count_other": ngettext("%(count)s suggestion", "%(count)s suggestions", 2),
    }


class SuggestInput(forms.TextInput):
    """A text field whose value is what the suggestion says (a UF code, say)."""

    template_name = "core/widgets/suggest_input.html"

    def __init__(self, source: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"autocomplete": "off", **(attrs or {})})
        self.source = source

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context.update(suggest_context(context["widget"]["attrs"], self.source))
        return context


class SuggestSelect(forms.Select):
    """A choice (an id) picked by typing: a hidden input holds the value, a text field the label."""

    template_name = "core/widgets/suggest_select.html"

    def __init__(self, source: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.source = source
        self.known_labels: dict[str, str] = {}  # set by a view that already holds the objects
        self.unpicked = ""  # typed, no suggestion chosen: shown again with the refusal

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = super().value_from_datadict(data, files, name)
        label = data.get(f"{name}__label")
        if value and label:
            # A refused submit shows again what the person picked, not an empty field.
            self.known_labels.setdefault(str(value), str(label)[:300])
        elif label:
            self.unpicked = str(label)[:300]
        return value

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        current = str(value[0] if isinstance(value, list | tuple) and value else value or "")
        label = self.known_labels.get(current, "")
        queryset = getattr(self.choices, "queryset", None)
        if current and not label and queryset is not None:
            found = queryset.filter(pk=current).first() if current.isdigit() else None
            label = str(found) if found is not None else ""
        elif current and not label:
            label = next((text for value, text in _flat(self.choices) if value == current), "")
        # The shown text field carries the field's id, class and ARIA state, not the hidden one.
        shown = {
            key: value
            for key, value in context["widget"]["attrs"].items()
            if key in ("id", "class", "required") or key.startswith("aria-")
        }
        shown.setdefault("class", "form-control")
        context["shown"] = {"attrs": shown}
        context.update(suggest_context(shown, self.source))
        context["current"] = current
        context["current_label"] = label if current else self.unpicked
        return context
