"""Form base classes for every page: the tenants' pages and the reference server's curation.

The lowest layer of the interface: it imports nothing of the product, so any app may use it.
"""

from __future__ import annotations

from typing import Any

from django import forms


class SafeJSONField(forms.JSONField):
    """Django's JSONField, refusing as invalid what json.loads fails on beyond a syntax error:
    a number of over 4,300 digits (ValueError) or nesting deeper than Python's recursion
    limit (RecursionError), both of which Django lets through as a 500."""

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except (ValueError, RecursionError) as exc:
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": "…"}
            ) from exc

    def bound_data(self, data: Any, initial: Any) -> Any:
        # Re-displaying the refused input parses it again: give it back as typed.
        try:
            return super().bound_data(data, initial)
        except (ValueError, RecursionError):
            return forms.fields.InvalidJSONInput(data)


class BootstrapMixin:
    """Gives widgets Bootstrap's classes, and marks the invalid ones after validation."""

    fields: dict[str, forms.Field]
    errors: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            # Boxes and radio buttons (one per choice for the multiple ones), not text fields:
            # drawn as wide empty inputs, a ticked box cannot be told from an unticked one.
            if isinstance(widget, forms.RadioSelect):  # and CheckboxSelectMultiple, its subclass
                css = "form-check-input"
                # Django's own template puts the class on the container too, which then drew
                # as a tiny box over the labels: ours gives it to each input, in a .form-check.
                widget.template_name = "forms/choices.html"
            elif isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif getattr(widget, "source", None):  # suggest-as-you-type: a text field
                css = "form-control"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid"


class BootstrapForm(BootstrapMixin, forms.Form):
    pass


class BootstrapModelForm(BootstrapMixin, forms.ModelForm):  # type: ignore[type-arg]
    pass


def posted_version(data: Any, refusal: Exception) -> int:
    """The version of the object the page showed, as its form posted it; ``refusal`` is raised
    when it is missing or not one (a change without it could overwrite someone else's)."""
    raw = data.get("version", "")
    if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) < 10:
        return int(raw)
    raise refusal
