"""The trials' pages: who sees and does what, and what bad input gets (never a 500)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.trials.models import Trial, TrialDocument
from tests.tenants.trials.conftest import PDF, bring, pdf


def form_data(chain, **changes):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    return {
        "device": "Pousse-seringue Agilia",
        "manufacturer": "Fresenius Kabi",
        "contact_name": "Anne Commerciale",
        "contact_phone": "06 00 00 00 00",
        "contact_email": "anne@example.org",
        "ce_marked": "on",
        "ce_marking": "IIb — CE 0123",
        "uf": chain["rea"].code,
        "domain": str(chain["biomedical"].pk),
        "expert": str(chain["users"]["expert"].pk),
        "plan_line": "",
        "planned_start": today.strftime("%d/%m/%Y"),
        "planned_return": (today + datetime.timedelta(days=10)).strftime("%d/%m/%Y"),
        "purpose": "",
        **changes,
    }


def test_an_expert_records_a_trial_from_the_form(web, tenant, chain):
    response = web["expert"].post("/trials/new/", form_data(chain))
    assert response.status_code == 302
    with tenant_context(tenant):
        trial = Trial.objects.get()
    assert response["Location"] == f"/trials/{trial.pk}/"
    page = web["expert"].get(response["Location"]).content.decode()
    assert trial.reference in page and "Fresenius Kabi" in page
    assert 'data-transition="agree"' in page and 'data-transition="deliver"' not in page
    assert ">Modifier</a>" in page  # the button says what it does (not "Modification")


def test_the_form_says_no_plan_line_in_the_feminine(web):
    form = web["expert"].get("/trials/new/").content.decode()
    assert "— aucune —</option>" in form and "— aucun —</option>" in form  # line, domain


def test_a_return_before_the_start_comes_back_as_typed_naming_the_field(web, chain):
    today = timezone.localdate()
    data = form_data(
        chain, planned_return=(today - datetime.timedelta(days=3)).strftime("%d/%m/%Y")
    )
    response = web["expert"].post("/trials/new/", data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "le retour ne peut pas précéder le début" in body
    assert 'id="id_planned_return"' in body and 'aria-invalid="true"' in body
    assert "Fresenius Kabi" in body and "anne@example.org" in body


@pytest.mark.parametrize(
    "changes",
    [
        {"device": "Pompe\x00"},
        {"device": "x" * 100_000},
        {"expert": "9" * 40},
        {"domain": "\x00"},
        {"uf": "99999"},
        {"planned_start": "31/02/2027"},
        {"plan_line": "abc"},
    ],
)
def test_bad_input_is_a_4xx(web, chain, changes, tenant):
    response = web["expert"].post("/trials/new/", form_data(chain, **changes))
    assert response.status_code == 400
    with tenant_context(tenant):
        assert not Trial.objects.exists()


@pytest.mark.parametrize("who", ["requester", "pole_head", "manager", "dispatcher"])
def test_only_the_biomedical_team_opens_the_new_trial_form(web, who):
    assert web[who].get("/trials/new/").status_code == 403
    assert web[who].post("/trials/new/", {}).status_code == 403


def test_the_commission_has_no_trials(web, trial):
    assert web["commission"].get("/trials/").status_code == 404
    assert web["commission"].get(f"/trials/{trial.pk}/").status_code == 404


def test_another_poles_head_does_not_see_the_trial(web, trial):
    assert web["other_head"].get(f"/trials/{trial.pk}/").status_code == 404
    assert trial.reference not in web["other_head"].get("/trials/").content.decode()


def test_the_ufs_requester_sees_the_trial_but_cannot_move_it(web, trial):
    page = web["requester"].get(f"/trials/{trial.pk}/").content.decode()
    assert trial.device in page and "data-transition" not in page
    assert trial.reference in web["requester"].get("/trials/").content.decode()
    refused = web["requester"].post(
        f"/trials/{trial.pk}/act/", {"action": "agree", "version": trial.version}
    )
    assert refused.status_code == 403
    assert web["requester"].get(f"/trials/{trial.pk}/edit/").status_code == 403
    trial.refresh_from_db()
    assert trial.state == "requested"


def test_another_domains_expert_does_not_see_the_trial(web, trial):
    assert web["imaging_expert"].get(f"/trials/{trial.pk}/").status_code == 404
    refused = web["imaging_expert"].post(f"/trials/{trial.pk}/act/", {"action": "agree"})
    assert refused.status_code == 404


def test_delivery_refused_on_the_page_names_the_missing_documents(web, chain, trial, tenant):
    from tenants.trials import services

    with tenant_context(tenant):
        trial = services.change_state(trial, "agree", by=chain["users"]["expert"])
    response = web["expert"].post(
        f"/trials/{trial.pk}/act/", {"action": "deliver", "version": trial.version}
    )
    body = response.content.decode()
    assert response.status_code == 409
    assert "Convention de prêt" in body and "attestation d\u2019assurance" in body
    trial.refresh_from_db()
    assert trial.state == "agreed"


def test_documents_are_added_with_their_kind(web, chain, trial):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = web["expert"].post(
        f"/trials/{trial.pk}/act/",
        {
            "action": "document",
            "document-kind": "insurance",
            "document-file": SimpleUploadedFile("assurance.pdf", PDF),
        },
    )
    assert response.status_code == 302
    assert TrialDocument.objects.get(trial=trial).kind == "insurance"
    page = web["expert"].get(f"/trials/{trial.pk}/").content.decode()
    assert 'data-document-kind="insurance"' in page and "assurance.pdf" in page
    # A file that is not what its name says is refused, on the form.
    bad = web["expert"].post(
        f"/trials/{trial.pk}/act/",
        {
            "action": "document",
            "document-kind": "loan_agreement",
            "document-file": SimpleUploadedFile("convention.pdf", b"MZ\x90\x00binary"),
        },
    )
    assert bad.status_code == 400 and TrialDocument.objects.count() == 1
    # The requester may download it (they see the trial), not add one.
    document = TrialDocument.objects.get().document
    assert web["requester"].get(f"/documents/file/{document.pk}/").status_code == 200
    assert web["other_head"].get(f"/documents/file/{document.pk}/").status_code == 404
    refused = web["requester"].post(
        f"/trials/{trial.pk}/act/",
        {"action": "document", "document-kind": "insurance", "document-file": pdf()},
    )
    assert refused.status_code == 403


def test_a_stale_page_is_refused_and_its_form_kept(web, chain, trial, tenant):
    from tenants.trials import services

    old = trial.version
    with tenant_context(tenant):
        services.change_state(trial, "agree", by=chain["users"]["expert"])
    response = web["expert"].post(
        f"/trials/{trial.pk}/act/",
        {"action": "cancel", "version": old, "cancel-reason": "Trop cher"},
    )
    assert response.status_code == 409 and "rechargez" in response.content.decode()
    assert "Trop cher" in response.content.decode()
    trial.refresh_from_db()
    assert trial.state == "agreed"


@pytest.mark.parametrize("version", ["", "abc", "9" * 30, "\x00"])
def test_a_missing_or_odd_version_is_a_4xx(web, trial, version):
    response = web["expert"].post(
        f"/trials/{trial.pk}/act/", {"action": "agree", "version": version}
    )
    assert response.status_code == 400


def test_the_clinical_form_on_the_page(web, chain, trial, tenant):
    with tenant_context(tenant):
        trial = bring(trial, "in_trial", chain["users"]["expert"])
    page = web["requester"].get(f"/trials/{trial.pk}/").content.decode()
    assert "data-clinical-form" in page and "data-technical-form" not in page
    scores = {
        f"clinical-{name}": "4"
        for name in ("ergonomics", "ease_of_use", "clinical_performance", "cleaning", "overall")
    }
    bad = web["requester"].post(
        f"/trials/{trial.pk}/act/",
        {"action": "clinical", **scores, "clinical-overall": "9", "clinical-comments": "Bien"},
    )
    assert bad.status_code == 400 and "Bien" in bad.content.decode()
    ok = web["requester"].post(
        f"/trials/{trial.pk}/act/", {"action": "clinical", **scores, "clinical-comments": "Bien"}
    )
    assert ok.status_code == 302
    page = web["expert"].get(f"/trials/{trial.pk}/").content.decode()
    assert "data-clinical-averages" in page and "data-technical-form" in page
    # The form's scores start with a capital; the history names the evaluation and its author
    # in French, not as the code says them ("Clinical evaluation « 1 clinical 2 »").
    assert ">Qualité de fabrication</legend>" in page
    requester = str(chain["users"]["requester"])
    assert f"Évaluation clinique « {requester} »" in page.replace("&laquo;", "«").replace(
        "&raquo;", "»"
    )
    assert "Évaluateur" in page and "Evaluator" not in page


def test_the_edit_form_keeps_the_version(web, chain, trial):
    page = web["expert"].get(f"/trials/{trial.pk}/edit/").content.decode()
    assert f'name="version" value="{trial.version}"' in page
    data = form_data(chain, device="Autre modèle", version=str(trial.version))
    assert web["expert"].post(f"/trials/{trial.pk}/edit/", data).status_code == 302
    stale = web["expert"].post(f"/trials/{trial.pk}/edit/", data)
    assert stale.status_code == 409 and "Autre modèle" in stale.content.decode()


def test_the_list_filters_and_colours(web, chain, trial):
    page = web["expert"].get("/trials/?state=requested&uf=1101").content.decode()
    assert trial.reference in page and "<caption" in page
    assert re.search(r"<label[^>]*>UF</label>", page)  # as the other lists name it
    assert trial.reference not in web["expert"].get("/trials/?state=bought").content.decode()
    assert web["expert"].get("/trials/?state=%00&expert=abc&q=%00").status_code in (200, 400)


def test_the_plan_line_lists_its_trials(web, chain, line, tenant):
    from tenants.trials import services
    from tests.tenants.trials.conftest import trial_data

    with tenant_context(tenant):
        trial = services.create_trial(
            trial_data(chain, plan_line=line), by=chain["users"]["expert"]
        )
    page = web["expert"].get(f"/plan/lines/{line.pk}/").content.decode()
    assert "data-line-trials" in page and trial.reference in page
    assert f"/trials/new/?line={line.pk}" in page
    new = web["expert"].get(f"/trials/new/?line={line.pk}").content.decode()
    assert f'<option value="{line.pk}" selected' in new
    # The requester follows the line and sees its trial, without the link to record one.
    page = web["requester"].get(f"/plan/lines/{line.pk}/").content.decode()
    assert trial.reference in page and "/trials/new/" not in page


def test_the_navigation_links_the_list(web):
    assert 'href="/trials/"' in web["expert"].get("/trials/").content.decode()
    assert 'href="/trials/"' not in web["commission"].get("/plan/").content.decode()


def test_a_document_added_without_a_kind_is_another_document(web, trial, tenant):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = web["expert"].post(
        f"/documents/trial/{trial.pk}/upload/", {"file": SimpleUploadedFile("notice.pdf", PDF)}
    )
    assert response.status_code == 302
    page = web["expert"].get(f"/trials/{trial.pk}/").content.decode()
    assert 'data-document-kind="other"' in page and "notice.pdf" in page
    assert "data-remove-document" in page
    assert (
        "data-remove-document" not in web["requester"].get(f"/trials/{trial.pk}/").content.decode()
    )
    with tenant_context(tenant):
        assert not TrialDocument.objects.exists()


def test_the_lists_query_count_does_not_grow_with_rows(web, chain, trial, tenant):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tenants.tables.listing import all_columns
    from tenants.trials import services
    from tenants.trials.views import TRIALS
    from tests.tenants.trials.conftest import trial_data

    columns = [name for name, _header in all_columns(TRIALS)]
    web["expert"].post("/lists/trials.trials/columns/", {"columns": columns})

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert web["expert"].get("/trials/").status_code == 200
        return len(queries)

    one = count()
    with tenant_context(tenant):
        for _ in range(8):
            services.create_trial(trial_data(chain), by=chain["users"]["expert"])
    assert count() == one


def test_a_move_says_the_state_the_trial_reached(web, trial):
    moved = web["expert"].post(
        f"/trials/{trial.pk}/act/", {"action": "agree", "version": trial.version}
    )
    assert moved.status_code == 302
    said = web["expert"].get(moved["Location"]).content.decode()
    assert f"{trial.reference} est désormais «\u00a0Accepté\u00a0»." in said
