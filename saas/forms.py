"""Form base classes for every page: the tenants' pages and the reference server's curation.

The lowest layer of the interface: it imports nothing of the product, so any app may use it.
"""

from __future__ import annotations

from typing import Any

from django import forms


class BootstrapMixin:
    """Gives widgets Bootstrap's classes, and marks the invalid ones after validation."""

    fields: dict[str, forms.Field]
    errors: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
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
