"""The import form every kind shares: the file, dry run or not, and the file's column headers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from saas.forms import BootstrapForm

MAX_UPLOAD = 50 * 1024 * 1024
MAX_NAME = 200  # ImportJob.filename


class ImportForm(BootstrapForm):
    """Subclasses name their columns: ``field_labels`` and ``default_mapping``."""

    field_labels: dict[str, Any] = {}  # field -> label (lazy translations)
    default_mapping: dict[str, str] = {}

    file = forms.FileField(label=_("File (CSV or XLSX)"))
    dry_run = forms.BooleanField(
        label=_("Dry run: show what would change, keep nothing"), required=False, initial=True
    )

    def __init__(self, *args: Any, mapping: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field, label in self.field_labels.items():
            self.fields[f"column_{field}"] = forms.CharField(
                label=label,
                max_length=100,
                initial=mapping.get(field, self.default_mapping[field]),
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx", ".xlsm")):
            raise forms.ValidationError(_("Give a CSV or an XLSX file."))
        if len(upload.name) > MAX_NAME:
            raise forms.ValidationError(
                _("The file name is longer than %(limit)s characters: rename the file.")
                % {"limit": MAX_NAME}
            )
        return upload

    def mapping(self) -> dict[str, str]:
        return {field: self.cleaned_data[f"column_{field}"].strip() for field in self.field_labels}


class ImportKeyForm(BootstrapForm):
    """A new key for the tenant API: its name, and the kinds of file it may push."""

    name = forms.CharField(label=_("Name (the system that pushes with it)"), max_length=50)
    kinds = forms.MultipleChoiceField(
        label=_("Kinds of file it may push (none ticked: every kind)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, choices: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = choices  # type: ignore[attr-defined]
