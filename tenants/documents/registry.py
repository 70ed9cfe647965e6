"""Which objects take documents and comments, and who may see them.

An app registers its model with a ``visible`` function: the rows a person may see. Documents
and comments of an object are shown, added and downloaded only by people who see the object.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import QuerySet


@dataclass(frozen=True)
class Attachable:
    key: str  # in URLs: "request"
    model: type[models.Model]
    visible: Callable[[Any], QuerySet[Any]]  # user -> the objects this person may see
    # (user, object) -> may this person add a document to it; None: whoever sees it may.
    may_add: Callable[[Any, Any], bool] | None = None
    # (object, document) -> may the document still be taken back at all (its uploader or an
    # administrator may, see services.may_remove); None: always.
    keeps: Callable[[Any, Any], bool] | None = None


ATTACHABLE: dict[str, Attachable] = {}


def register(
    key: str,
    model: type[models.Model],
    visible: Callable[[Any], QuerySet[Any]],
    may_add: Callable[[Any, Any], bool] | None = None,
    keeps: Callable[[Any, Any], bool] | None = None,
) -> None:
    ATTACHABLE[key] = Attachable(key, model, visible, may_add, keeps)


def may_add(key: str, target: models.Model, user: Any) -> bool:
    """May this person add a document to this object they see?"""
    found = ATTACHABLE.get(key)
    return found is not None and (found.may_add is None or found.may_add(user, target))


def key_of(obj: models.Model) -> str | None:
    return next((a.key for a in ATTACHABLE.values() if isinstance(obj, a.model)), None)


def key_of_model(model: type[models.Model] | None) -> str | None:
    return next((a.key for a in ATTACHABLE.values() if a.model is model), None)


def kept(key: str | None, target: models.Model, document: Any) -> bool:
    """Must this document stay with its object, whoever asks to remove it?"""
    found = ATTACHABLE.get(key or "")
    return found is not None and found.keeps is not None and found.keeps(target, document)


def visible_target(key: str, pk: int, user: Any) -> models.Model | None:
    """The object, when it exists and this person may see it; else None."""
    found = ATTACHABLE.get(key)
    if found is None:
        return None
    return found.visible(user).filter(pk=pk).first()  # type: ignore[no-any-return]
