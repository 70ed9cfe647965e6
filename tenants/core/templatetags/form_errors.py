"""Form errors a screen reader announces: the summary at the top of a form, each field's message.

Django (5.x) already marks a field with errors ``aria-invalid="true"`` and points its
``aria-describedby`` at ``<id>_helptext`` and ``<id>_error``; these tags render the elements
those ids name, and list every error at the top of the form, linked to its field. page.js
moves the focus to that summary when a page comes back with errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms, template
from django.forms.formsets import BaseFormSet
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from tenants.core.templatetags.typography import colon

register = template.Library()


@dataclass(frozen=True)
class FieldError:
    target: str  # the id of the control the link focuses; "" for a field without one
    label: str
    message: str


def field_target(field: forms.BoundField) -> str:
    """The id of the control a person lands on to correct ``field``."""
    if field.is_hidden or not field.auto_id:
        return ""
    if field.id_for_label:
        return field.id_for_label
    # Boxes and radio buttons have no single control: the first one of the group, if any.
    first = next(iter(field.subwidgets), None)
    return first.id_for_label if first is not None else ""


def _errors_of(
    form: forms.BaseForm, row: int | None, row_label: str = ""
) -> tuple[list[str], list[FieldError]]:
    general = [str(message) for message in form.non_field_errors()]
    fields: list[FieldError] = []
    for field in form:
        for message in field.errors:
            if field.is_hidden:
                general.append(f"{field.label}{colon()} {message}")
                continue
            label = str(field.label)
            if row is not None:
                label = (row_label or _("%(label)s, row %(number)s")) % {
                    "label": label,
                    "number": row,
                }
            fields.append(FieldError(field_target(field), label, str(message)))
    return general, fields


@register.inclusion_tag("core/_error_summary.html")
def error_summary(*forms_and_formsets: Any) -> dict[str, Any]:
    """``{% error_summary form parts %}``: every error of these forms and formsets, at the top.

    Non-field errors show here only; a field's own error shows here and beside the field.
    """
    general: list[str] = []
    fields: list[FieldError] = []
    for item in forms_and_formsets:
        if isinstance(item, BaseFormSet):
            if not item.is_bound:
                continue
            general += [str(message) for message in item.non_form_errors()]
            # A formset may name its rows in its own words (``row_label``: "part 1").
            row_label = str(getattr(item, "row_label", ""))
            for number, form in enumerate(item.forms, start=1):
                more_general, more_fields = _errors_of(form, number, row_label)
                general += more_general
                fields += more_fields
        elif isinstance(item, forms.BaseForm) and item.is_bound:
            more_general, more_fields = _errors_of(item, None)
            general += more_general
            fields += more_fields
    return {"general": general, "fields": fields, "count": len(general) + len(fields)}


@register.inclusion_tag("core/_field_messages.html")
def field_messages(field: forms.BoundField, *, with_label: bool = False) -> dict[str, Any]:
    """``{% field_messages field %}``: the field's errors and help text, under the ids its
    ``aria-describedby`` names."""
    return {"field": field, "with_label": with_label}


@register.simple_tag
def field_aria(field: forms.BoundField) -> SafeString:
    """``<input ... {% field_aria field %}>`` for a control written by hand: the same
    ``aria-invalid`` and ``aria-describedby`` Django gives the controls it renders."""
    attrs = field.build_widget_attrs({})
    return format_html_join(
        "",
        ' {}="{}"',
        ((name, value) for name, value in attrs.items() if name.startswith("aria-")),
    )
