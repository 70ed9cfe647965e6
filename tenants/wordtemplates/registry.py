"""The kinds of documents produced from Word templates, as the apps that produce them register
them: the placeholders a template may use (each with its French description for the help table
of the administrator's page), the default template shipped, an example context for previews
and tests, and the function that builds the context from the object the document is about.

An app declares its kind (see kinds.py) and registers it at its ``ready()``::

    register_kind(kinds.PURCHASE_REQUEST_FORM, context=document_context)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.functional import Promise

Text = str | Promise  # a plain or a translated (lazy) text


@dataclass(frozen=True)
class Placeholder:
    """``{{ name }}`` in a template. With ``fields``: ``{{ name.field }}``; with ``is_list``, a
    list to loop over, ``{% for line in name %}{{ line.field }}{% endfor %}``."""

    name: str
    description: Text
    fields: tuple[Placeholder, ...] = ()
    is_list: bool = False

    def field_names(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields)


@dataclass(frozen=True)
class DocumentKind:
    key: str  # in URLs and in the database: "purchase_request_form"
    label: Text
    placeholders: tuple[Placeholder, ...]
    default_template: Path  # the DOCX shipped with the product
    example: Mapping[str, Any]  # a context filling every placeholder, for previews and tests
    # The object the document is about -> its context; None until an app registers the kind.
    context: Callable[[Any], Mapping[str, Any]] | None = field(default=None, compare=False)

    def placeholder(self, name: str) -> Placeholder | None:
        return next((p for p in self.placeholders if p.name == name), None)

    def names(self) -> frozenset[str]:
        return frozenset(p.name for p in self.placeholders)


KINDS: dict[str, DocumentKind] = {}


def register_kind(
    kind: DocumentKind, *, context: Callable[[Any], Mapping[str, Any]] | None = None
) -> DocumentKind:
    """Make ``kind`` known (its templates on the administrator's page, ``produce``); ``context``
    builds a document's context from its object."""
    registered = dataclasses.replace(kind, context=context or kind.context)
    KINDS[kind.key] = registered
    return registered


def unregister_kind(key: str) -> None:
    KINDS.pop(key, None)


def kind_of(key: str) -> DocumentKind | None:
    return KINDS.get(key)
