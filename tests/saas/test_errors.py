"""One base for the errors people cause: every such refusal extends it, and one helper puts
their reasons on a form (all of them, next to their fields, by label) or in an API answer."""

from __future__ import annotations

import pytest
from django import forms
from django.utils import translation

from saas.errors import UserError, api_exception_handler, show_on_form
from saas.tenancy.services import SignupError, TenantActionRefused
from shared_reference.contributions import ContributionRefused
from shared_reference.french_labels import LabelProblem, LabelsRefused
from shared_reference.services import SubscriptionRefused
from tenants.access.services import GrantRefused
from tenants.accounts.services import AccountRefused
from tenants.campaigns.services import Refused
from tenants.documents.services import DocumentRefused
from tenants.imports.reader import FileRefused, ImportRefused, Problem
from tenants.inventory.services import MatchRefused
from tenants.mirror.overlays import CorrectionRefused
from tenants.requests.arbitration import DecisionsRefused
from tenants.sso.services import LoginRefused
from tenants.tables.services import ViewRefused

REFUSALS = [
    AccountRefused,
    ContributionRefused,
    CorrectionRefused,
    DecisionsRefused,
    DocumentRefused,
    FileRefused,
    GrantRefused,
    ImportRefused,
    LabelsRefused,
    LoginRefused,
    MatchRefused,
    Refused,
    SignupError,
    SubscriptionRefused,
    TenantActionRefused,
    ViewRefused,
]


@pytest.mark.parametrize("refusal", REFUSALS, ids=lambda c: c.__name__)
def test_every_refusal_people_cause_shares_the_base(refusal):
    assert issubclass(refusal, UserError)


def test_refusals_carry_their_status():
    assert LoginRefused("no").status == 403
    assert TenantActionRefused("status", "not now").status == 409
    assert DocumentRefused("by", "not yours", status=403).status == 403
    assert ViewRefused("name", "give it a name").status == 400


class Form(forms.Form):
    title = forms.CharField()
    note = forms.CharField()


class Several(UserError):
    def errors(self) -> list[tuple[str, str]]:
        return [
            ("title", "required"),
            ("note", "too long"),
            ("end_of_support", "cannot come before the end of sale"),
            ("internal_key", "this contribution has already been decided"),
        ]


def test_every_reason_goes_next_to_its_field_and_the_others_on_top_by_label():
    form = Form({"title": "x", "note": "y"})
    assert form.is_valid()
    with translation.override("fr"):
        show_on_form(
            Several("title", "required"), form, labels={"end_of_support": "Fin de support"}
        )
    assert form.errors["title"] == ["required"]
    assert form.errors["note"] == ["too long"]
    assert form.non_field_errors() == [
        "Fin de support\u00a0: cannot come before the end of sale",
        "This contribution has already been decided",  # never "internal_key"
    ]


def test_an_import_refused_shows_every_problem_with_its_line_and_column():
    refused = ImportRefused(
        [Problem(4, "UF", "aucune UF n\u2019a le code 9999"), Problem(None, None, "vide")]
    )
    with translation.override("fr"):
        assert refused.errors() == [
            ("file", "ligne 4, UF\u00a0: aucune UF n\u2019a le code 9999"),
            ("file", "vide"),
        ]
        assert refused.reason == "2 problèmes\u00a0: rien n\u2019a été changé"
    labels = LabelsRefused([LabelProblem(3, "code", "Q99?")])
    assert [field for field, _reason in labels.errors()] == ["file"]


def test_the_api_answers_each_field_with_its_reasons_and_the_error_status():
    answer = api_exception_handler(CorrectionRefused({"end_of_sale": "no", "": "why"}), {})
    assert answer is not None and answer.status_code == 400
    assert answer.data == {"end_of_sale": ["no"], "detail": ["why"]}
    missing = api_exception_handler(SubscriptionRefused("uuid", "gone", status=404), {})
    assert missing is not None and (missing.status_code, missing.data) == (404, {"uuid": ["gone"]})
