"""The forms of a finding's page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from saas.forms import BootstrapForm
from tenants.accounts.models import User
from tenants.controls.services import TEXT_LIMIT


class AssignForm(BootstrapForm):
    assigned_to = forms.ModelChoiceField(
        label=_("Assign to"), queryset=User.objects.none(), required=False, empty_label="—"
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = people  # type: ignore[attr-defined]


class CommentForm(BootstrapForm):
    text = forms.CharField(
        label=_("Comment"), max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(BootstrapForm):
    reason = forms.CharField(
        label=_("Why it is justified"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
