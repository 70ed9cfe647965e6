"""One base for the errors people cause, and one way to show them on a form or in the API.

A service raises ``UserError(field, reason)`` (or a subclass: ``Refused``, ``ImportRefused``...)
with a reason written for the person (gettext, so French by default). The HTML view puts it
next to the named field with ``show_on_form`` (``parts[0].unit_price`` lands on the first
part's price; a field the form lacks goes on top, without its internal name); the API answers
the error's HTTP status with DRF's own shape for refusals, ``{field: [reason, ...]}``
(``detail`` when no field is at fault), as every other refusal of the APIs does.

A refusal that finds several faults at once (an import, the commission's decisions, the
reference server's answer) lists them all in ``errors()``: every one is shown, not the first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from rest_framework.response import Response
from rest_framework.views import exception_handler

# "parts[0].unit_price": the field of one form of a formset.
_FORMSET_FIELD = re.compile(r"^(?P<prefix>\w+)\[(?P<index>\d+)\]\.(?P<name>\w+)$")
# Where the API puts a reason that names no field (DRF's key for them).
NO_FIELD = "detail"


class UserError(Exception):
    """Something the person asked for and may not have, with the field it is about.

    ``field``: the form field or API parameter at fault, "" when none is.
    ``status``: 400 by default; 403 when they may not, 404 when the thing is not there,
    409 when someone acted meanwhile. A subclass sets its usual one; a raise may override it.
    """

    status = 400

    def __init__(self, field: str, reason: str, *, status: int | None = None) -> None:
        super().__init__(reason)
        self.field, self.reason = field, str(reason)
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return self.reason

    def errors(self) -> list[tuple[str, str]]:
        """Every (field, reason) this refusal carries, in the order found."""
        return [(self.field, self.reason)]


def show_on_form(
    error: UserError,
    form: forms.BaseForm,
    formsets: dict[str, Any] | None = None,
    *,
    labels: Mapping[str, Any] | None = None,
) -> None:
    """Put each of ``error``'s reasons next to its field. A field the form lacks gets its
    reason at the top, never its internal name: after its label when ``labels`` knows it
    ("Fin de support : ..."), else on its own."""
    for field, reason in error.errors():
        _place(field, reason, form, formsets or {}, labels or {})


def _place(
    field: str,
    reason: str,
    form: forms.BaseForm,
    formsets: dict[str, Any],
    labels: Mapping[str, Any],
) -> None:
    found = _FORMSET_FIELD.match(field)
    if found and found["prefix"] in formsets:
        members = formsets[found["prefix"]].forms
        index = int(found["index"])
        if index < len(members) and found["name"] in members[index].fields:
            members[index].add_error(found["name"], reason)
            return
    if field in form.fields:
        form.add_error(field, reason)
    elif field in labels:
        form.add_error(None, labelled(labels[field], reason))
    else:
        form.add_error(None, sentence(reason))


def labelled(label: Any, reason: str) -> str:
    """ "Fin de support : ne peut pas précéder la fin de commercialisation"."""
    return _("%(label)s: %(value)s") % {"label": label, "value": reason}


def sentence(reason: str) -> str:
    """A reason shown on its own starts with a capital."""
    return reason[:1].upper() + reason[1:] if reason else reason


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus: a UserError answers its status with the fields it names."""
    if isinstance(exc, UserError):
        body: dict[str, list[str]] = {}
        for field, reason in exc.errors():
            body.setdefault(field or NO_FIELD, []).append(reason)
        return Response(body, status=exc.status)
    return exception_handler(exc, context)
