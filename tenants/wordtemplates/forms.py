"""The form uploading a new version of a template: it carries the file, the service checks it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from saas.forms import BootstrapForm


class TemplateUploadForm(BootstrapForm):
    file = forms.FileField(
        label=_("New version (.docx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx"}),
    )
