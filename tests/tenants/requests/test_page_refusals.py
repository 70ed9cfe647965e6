"""What a hospital's first trial of the census found on the request pages and the commission's
session: nothing typed is lost on a refusal, every mistake shows at once and in French, and
a page a person may not see says why."""

from __future__ import annotations

import re
import uuid

import pytest
from django_tenants.utils import tenant_context

from tenants.mirror.models import ReferenceTerm
from tenants.requests import workflow
from tenants.requests.models import EquipmentRequest, RequestState
from tenants.requests.services import DraftRefused, PartInput, save_draft
from tests.tenants.requests import test_pages
from tests.tenants.requests.test_pages import parts_data

session = test_pages.session  # three requests waiting for the commission


def shown_errors(body: str) -> list[str]:
    return re.findall(r'(?:invalid-feedback[^"]*"[^>]*|alert-danger[^>]*)>([^<]+)<', body)


# The commission's session -------------------------------------------------------------------


def test_a_refused_session_keeps_every_decision_typed_and_names_the_faulty_request(
    tenant, chain, web, session
):
    url = f"/campaigns/{chain['campaign'].pk}/arbitration/"
    breathing, pumps, bed = session
    refused = web["commission"].post(
        url,
        {
            f"decision-{pumps.pk}": "granted",
            f"amount-{pumps.pk}": "abc",
            f"version-{pumps.pk}": str(pumps.version),
            f"decision-{bed.pk}": "deferred",
            f"reason-{bed.pk}": "L'an prochain",
            f"version-{bed.pk}": str(bed.version),
            f"decision-{breathing.pk}": "granted",
            f"amount-{breathing.pk}": "25 000",
            f"version-{breathing.pk}": str(breathing.version),
        },
    )
    assert refused.status_code == 400
    body = refused.content.decode()
    # Every decision typed is there again, the valid ones too.
    # The faulty amount is outlined (is-invalid), the valid ones are not.
    assert (
        f'name="amount-{pumps.pk}" class="form-control form-control-sm text-end is-invalid" '
        'value="abc"' in body
    )
    assert (
        f'name="amount-{breathing.pk}" class="form-control form-control-sm text-end" value="25 000"'
        in body
    )
    assert 'value="L&#x27;an prochain"' in body
    assert body.count('value="granted" selected') == 2
    assert body.count('value="deferred" selected') == 1
    # The faulty request is named, its field by its French label, never its internal name.
    summary = body[body.index("data-faulty") : body.index("</div>", body.index("data-faulty"))]
    assert f"{pumps.reference} — Pousse-seringues" in summary
    assert "Montant accordé\u00a0: «\u00a0abc\u00a0» n\u2019est pas un montant" in summary
    assert "granted_amount" not in body
    with tenant_context(tenant):
        assert not EquipmentRequest.objects.filter(state__in=workflow.DECIDED).exists()


def test_a_decision_starts_unchosen_and_a_row_left_empty_is_not_decided(
    tenant, chain, web, session
):
    url = f"/campaigns/{chain['campaign'].pk}/arbitration/"
    page = web["commission"].get(url).content.decode()
    select = page[page.index("<select") : page.index("</select>")]
    assert '<option value="">— choisir —</option>' in select
    assert "selected" not in select
    _, pumps, bed = session
    done = web["commission"].post(
        url,
        {
            f"decision-{pumps.pk}": "granted",
            f"amount-{pumps.pk}": "8000",
            f"version-{pumps.pk}": str(pumps.version),
            f"decision-{bed.pk}": "",
            f"amount-{bed.pk}": "15000,00",
            f"version-{bed.pk}": str(bed.version),
        },
    )
    assert done.status_code == 302
    with tenant_context(tenant):
        assert EquipmentRequest.objects.get(pk=pumps.pk).state == RequestState.GRANTED
        assert EquipmentRequest.objects.get(pk=bed.pk).state == RequestState.VALIDATED


def test_a_requester_is_told_in_french_that_the_session_is_the_commissions(tenant, chain, web):
    campaign = chain["campaign"]
    answer = web["requester"].get(f"/campaigns/{campaign.pk}/arbitration/")
    assert answer.status_code == 403
    body = answer.content.decode()
    assert 'data-error-page="403"' in body
    assert "Seuls les membres de la commission d\u2019investissement" in body
    # Nor is the way there shown to them.
    page = web["requester"].get(f"/campaigns/{campaign.pk}/").content.decode()
    assert f"/campaigns/{campaign.pk}/arbitration/" not in page
    assert f"/campaigns/{campaign.pk}/arbitration/" in (
        web["commission"].get(f"/campaigns/{campaign.pk}/").content.decode()
    )


def test_management_reads_the_session_and_is_told_it_does_not_decide(tenant, chain, web, session):
    url = f"/campaigns/{chain['campaign'].pk}/arbitration/"
    assert web["manager"].get(url).status_code == 200
    pumps = session[1]
    answer = web["manager"].post(url, {f"decision-{pumps.pk}": "granted"})
    assert answer.status_code == 403
    assert "enregistrent ses décisions" in answer.content.decode()


HUGE = "1" + "0" * 30  # past any integer column


@pytest.mark.parametrize(
    "typed",
    [
        {"amount": HUGE},
        {"amount": "-5"},
        {"amount": "NaN"},
        {"amount": "sNaN"},
        {"amount": "Infinity"},
        {"amount": "1e999999999"},
        {"amount": "9" * 100_000},
        {"decision": "draft"},
        {"version": HUGE},
    ],
    ids=lambda typed: str(typed)[:30],
)
def test_a_hostile_decision_is_refused_on_its_row_and_nothing_is_decided(
    tenant, chain, web, session, typed
):
    """An attacker's trial (issue 13): values typed or forged on the session's rows."""
    url = f"/campaigns/{chain['campaign'].pk}/arbitration/"
    pumps = session[1]
    row = {"decision": "granted", "amount": "1000", "version": str(pumps.version), **typed}
    response = web["commission"].post(url, {f"{k}-{pumps.pk}": v for k, v in row.items()})
    assert response.status_code in (400, 409)
    with tenant_context(tenant):
        assert EquipmentRequest.objects.get(pk=pumps.pk).state == RequestState.VALIDATED


@pytest.mark.parametrize("key", [f"decision-{HUGE}", "decision--5", "decision-٣", "decision-x"])
def test_a_decision_for_a_request_that_is_not_there_decides_nothing(
    tenant, chain, web, session, key
):
    url = f"/campaigns/{chain['campaign'].pk}/arbitration/"
    response = web["commission"].post(url, {key: "refused", "reason-1": "x"})
    assert response.status_code in (302, 400)
    with tenant_context(tenant):
        states = set(
            EquipmentRequest.objects.filter(campaign=chain["campaign"]).values_list(
                "state", flat=True
            )
        )
    assert states == {RequestState.VALIDATED}


@pytest.mark.parametrize(
    "role",
    ["requester", "pole_head", "expert", "dispatcher", "manager"],
)
def test_only_the_commission_decides_even_by_a_forged_post(tenant, chain, web, session, role):
    pumps = session[1]
    forged = {"action": "arbitration", "decision": "granted", "granted_amount": "1"}
    assert web[role].post(f"/requests/{pumps.pk}/act/", forged).status_code == 403
    url = f"/campaigns/{chain['campaign'].pk}/arbitration/"
    assert (
        web[role]
        .post(url, {f"decision-{pumps.pk}": "granted", f"amount-{pumps.pk}": "1"})
        .status_code
        == 403
    )
    with tenant_context(tenant):
        assert EquipmentRequest.objects.get(pk=pumps.pk).state == RequestState.VALIDATED


# The request form ---------------------------------------------------------------------------


@pytest.fixture
def term(tenant):  # type: ignore[no-untyped-def]
    with tenant_context(tenant):
        return ReferenceTerm.objects.create(
            uuid=uuid.uuid4(), system="emdn", code="Z12030101", label_fr="Respirateurs"
        )


def test_the_form_shows_every_mistake_in_one_round(tenant, chain, web, term):
    answer = web["requester"].post(
        f"/campaigns/{chain['campaign'].pk}/requests/new/",
        {
            "uf": "9999",
            "title": "",
            "priority": "3",
            "nomenclature_code": "ZZZ",
            "replaces": "",
            **parts_data(("investment", "0", "100")),
        },
    )
    assert answer.status_code == 400
    errors = " | ".join(shown_errors(answer.content.decode()))
    for expected in (
        "Ce champ est obligatoire",
        "aucune UF n\u2019a ce code",
        "«\u00a0ZZZ\u00a0» n\u2019est pas un code des nomenclatures",
        "entre 1 et",
    ):
        assert expected in errors, errors


def test_an_unknown_replaced_device_shows_with_the_forms_mistakes(tenant, chain, web):
    answer = web["requester"].post(
        f"/campaigns/{chain['campaign'].pk}/requests/new/",
        {"uf": "1101", "title": "", "priority": "3", "replaces": "NOPE1", **parts_data()},
    )
    errors = " | ".join(shown_errors(answer.content.decode()))
    assert "Ce champ est obligatoire" in errors
    assert "aucun équipement numéroté «\u00a0NOPE1\u00a0» dans l\u2019inventaire" in errors, errors


def test_a_known_nomenclature_code_is_kept(tenant, chain, web, term):
    answer = web["requester"].post(
        f"/campaigns/{chain['campaign'].pk}/requests/new/",
        {
            "uf": "1101",
            "title": "Respirateur de transport",
            "priority": "3",
            "nomenclature_code": "Z12030101",
            **parts_data(("investment", "1", "9000")),
        },
    )
    assert answer.status_code == 302
    with tenant_context(tenant):
        saved = EquipmentRequest.objects.get(title="Respirateur de transport")
        assert saved.nomenclature_code == "Z12030101"


def test_a_model_typed_but_not_picked_is_refused_and_kept_on_the_page(tenant, chain, web):
    answer = web["requester"].post(
        f"/campaigns/{chain['campaign'].pk}/requests/new/",
        {
            "uf": "1101",
            "title": "Moniteur",
            "priority": "3",
            "reference_model": "",
            "reference_model__label": "Philips MX450",
            **parts_data(("investment", "1", "5000")),
        },
    )
    assert answer.status_code == 400
    body = answer.content.decode()
    assert "«\u00a0Philips MX450\u00a0» n\u2019a pas été choisi parmi les suggestions" in body
    assert 'name="reference_model__label" value="Philips MX450"' in body
    with tenant_context(tenant):
        assert not EquipmentRequest.objects.filter(title="Moniteur").exists()


def test_a_draft_refused_by_the_service_lists_every_mistake(tenant, chain):
    with pytest.raises(DraftRefused) as refused:
        save_draft(
            by=chain["users"]["requester"],
            campaign=chain["campaign"],
            uf=chain["rea"],
            title=" ",
            priority=7,
            nomenclature_code="ZZZ",
            parts=[PartInput("investment", 1, "100")],
            replaces=["NOPE1"],
        )
    fields = [field for field, _ in refused.value.errors()]
    assert fields == ["title", "priority", "replaces", "nomenclature_code"]


# The request page ---------------------------------------------------------------------------


def test_a_refused_opinion_keeps_what_was_chosen_and_says_so_naturally(tenant, chain, web):
    with tenant_context(tenant):
        request = workflow.submit(chain["request"], by=chain["users"]["requester"])
    answer = web["pole_head"].post(
        f"/requests/{request.pk}/act/",
        {"action": "pole_opinion", "favourable": "0", "version": request.version},
    )
    assert answer.status_code == 400
    body = answer.content.decode()
    assert 'id="unfav-pole_opinion" checked' in body
    assert 'id="fav-pole_opinion" checked' not in body
    assert "Action non enregistrée\u00a0:" in body and "Refusé\u00a0:" not in body


def test_the_request_page_has_one_history_and_the_workflows_progress(tenant, chain, web):
    body = web["requester"].get(f"/requests/{chain['request'].pk}/").content.decode()
    assert re.findall(r"<h2[^>]*>\s*Historique\s*</h2>", body) == [
        re.findall(r"<h2[^>]*>\s*Historique\s*</h2>", body)[0]
    ]
    assert "Suivi de la demande" in body


def test_the_decision_on_the_request_page_starts_unchosen(tenant, chain, web, session):
    body = web["commission"].get(f"/requests/{session[0].pk}/").content.decode()
    select = body[
        body.index('name="decision"') : body.index("</select>", body.index('name="decision"'))
    ]
    assert '<option value="">— choisir —</option><option value="granted">' in select
    assert "selected" not in select


def test_deciding_on_the_request_page_without_a_choice_asks_for_one(tenant, chain, web, session):
    request = session[0]
    answer = web["commission"].post(
        f"/requests/{request.pk}/act/",
        {
            "action": "arbitration",
            "decision": "",
            "granted_amount": "100",
            "version": request.version,
        },
    )
    assert answer.status_code == 400
    body = answer.content.decode()
    assert (
        "choisissez «\u00a0accordée\u00a0», «\u00a0reportée\u00a0» ou «\u00a0refusée\u00a0»" in body
    )
    assert 'name="granted_amount" id="arbitration-granted-amount"' in body
    assert 'value="100"' in body
