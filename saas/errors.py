"""One base for the errors people cause, and one way to show them on a form or in the API.

A service raises ``UserError(field, reason)`` (or a subclass: ``Refused``...); the HTML view
puts it next to the named field (``parts[0].unit_price`` lands on the first part's price) and
the API answers ``{"errors": {field: [reason]}}`` with the error's HTTP status.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from rest_framework.response import Response
from rest_framework.views import exception_handler

# "parts[0].unit_price": the field of one form of a formset.
_FORMSET_FIELD = re.compile(r"^(?P<prefix>\w+)\[(?P<index>\d+)\]\.(?P<name>\w+)$")


class UserError(Exception):
    """Something the person asked for and may not have, with the field it is about.

    ``status``: 400 by default; 403 when they may not, 409 when someone acted meanwhile.
    """

    status = 400

    def __init__(self, field: str, reason: str, *, status: int | None = None) -> None:
        super().__init__(reason)
        self.field, self.reason = field, str(reason)
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return self.reason


def show_on_form(
    error: UserError, form: forms.BaseForm, formsets: dict[str, Any] | None = None
) -> None:
    """Put ``error`` next to its field; a field the form lacks gets its reason at the top,
    without the internal name."""
    found = _FORMSET_FIELD.match(error.field)
    if found and formsets and found["prefix"] in formsets:
        members = formsets[found["prefix"]].forms
        index = int(found["index"])
        if index < len(members) and found["name"] in members[index].fields:
            members[index].add_error(found["name"], error.reason)
            return
    if error.field in form.fields:
        form.add_error(error.field, error.reason)
    else:
        form.add_error(None, _sentence(error.reason))


def _sentence(reason: str) -> str:
    return reason[:1].upper() + reason[1:] if reason else reason


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus: a UserError answers its status with the field it names."""
    if isinstance(exc, UserError):
        return Response({"errors": {exc.field: [exc.reason]}}, status=exc.status)
    return exception_handler(exc, context)
