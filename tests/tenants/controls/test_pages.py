"""The controls' pages: traffic lights, the findings' list and a finding's actions, by role."""

from __future__ import annotations

import datetime

import pytest
from django_tenants.utils import tenant_context

from tenants.access.models import Role, ScopeKind
from tenants.access.services import grant_role
from tenants.controls.engine import run_checks
from tenants.controls.models import Finding
from tenants.controls.registry import check_for
from tenants.finance.imports import ORDER_LINES
from tests.conftest import client_for, host_of
from tests.tenants.inventory.factories import structure

TODAY = datetime.date.today()
ORDERS = (
    "Exercice;N° commande;N° ligne;Gestionnaire;Fournisseur;Date commande;UF;Montant engagé;"
    "Soldée\n"
    f"2026;Z1;1;ACH1;Braun;{TODAY:%d/%m/%Y};1101;0;N\n"
    f"2026;Z2;1;ACH2;Braun;{TODAY:%d/%m/%Y};2101;0;N\n"
)


@pytest.fixture
def setup(tenant, make_user):
    with tenant_context(tenant):
        units = structure()
        ORDER_LINES.run(ORDERS.encode(), "o.csv")
        run_checks([c for c in [check_for("FIN-ZERO-ORDER")] if c])
    people = {}
    for name, role, scope, target in (
        ("finance", Role.FINANCE, ScopeKind.TENANT, None),
        ("buyer", Role.BUYER, ScopeKind.TENANT, None),
        ("buyer_uf", Role.BUYER, ScopeKind.UF, units[0]),
        ("requester", Role.REQUESTER, ScopeKind.TENANT, None),
    ):
        person = make_user(tenant, full_name=name)
        with tenant_context(tenant):
            grant_role(person, role, scope, target, by="test")
        people[name] = person
    return {"units": units, "people": people}


def client(tenant, setup, who: str):
    return client_for(host_of(tenant), setup["people"][who], tenant)


def finding(tenant, key: str) -> Finding:
    with tenant_context(tenant):
        return Finding.objects.get(key=key)


def test_the_lights_count_open_findings_per_buyer_and_level(tenant, setup):
    page = client(tenant, setup, "finance").get("/controls/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert page.status_code == 200
    assert "ACH1" in text and "ACH2" in text and text.count('data-light="4"') == 2
    # A buyer of one UF sees the findings of that UF only.
    mine = client(tenant, setup, "buyer_uf").get("/controls/").content.decode()
    assert "ACH1" in mine and "ACH2" not in mine


def test_whoever_reads_no_control_is_told_why(tenant, setup):
    page = client(tenant, setup, "requester").get("/controls/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 403 and "do not include them" in page.content.decode()
    assert client(tenant, setup, "requester").get("/controls/findings/").status_code == 403


def test_the_list_shows_the_message_and_filters_by_level_and_buyer(tenant, setup):
    reader = client(tenant, setup, "finance")
    page = reader.get("/controls/findings/?buyer=ACH2", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Every line of order Z2 (2026) to Braun is at 0 €." in text
    assert "Z1 (2026)" not in text
    export = reader.get("/controls/findings/?export=xlsx")
    assert export.status_code in (200, 302)


def test_a_finding_outside_ones_scope_is_not_found(tenant, setup):
    other = finding(tenant, "2026/Z2")
    response = client(tenant, setup, "buyer_uf").get(f"/controls/findings/{other.pk}/")
    assert response.status_code == 404


def test_the_owner_assigns_comments_and_accepts_with_a_reason(tenant, setup):
    owner = client(tenant, setup, "buyer")
    item = finding(tenant, "2026/Z1")
    url = f"/controls/findings/{item.pk}/act/"
    assigned = owner.post(
        url,
        {
            "action": "assign",
            "version": item.version,
            "assigned_to": setup["people"]["buyer_uf"].pk,
        },
    )
    assert assigned.status_code == 302
    stale = owner.post(url, {"action": "accept", "version": item.version, "reason": "x"})
    assert stale.status_code == 409
    item.refresh_from_db()
    empty = owner.post(url, {"action": "accept", "version": item.version, "reason": ""})
    assert empty.status_code == 400
    accepted = owner.post(
        url, {"action": "accept", "version": item.version, "reason": "Don du fabricant"}
    )
    assert accepted.status_code == 302
    owner.post(url, {"action": "comment", "text": "Vu avec le fournisseur"})
    item.refresh_from_db()
    assert item.state == "accepted" and item.assigned_to == setup["people"]["buyer_uf"]
    page = owner.get(f"/controls/findings/{item.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Don du fabricant" in page and "Vu avec le fournisseur" in page


def test_who_does_not_own_the_control_may_comment_but_not_accept(tenant, setup):
    finance = client(tenant, setup, "finance")
    item = finding(tenant, "2026/Z1")
    url = f"/controls/findings/{item.pk}/act/"
    refused = finance.post(url, {"action": "accept", "version": item.version, "reason": "non"})
    assert refused.status_code == 403
    assert finance.post(url, {"action": "comment", "text": "À voir"}).status_code == 302
    item.refresh_from_db()
    assert item.state == "open"


@pytest.mark.parametrize(
    "fields",
    [
        {"action": "comment", "text": "\x00"},
        {"action": "comment", "text": "x" * 5000},
        {"action": "assign", "assigned_to": "99999999999999999999"},
        {"action": "assign", "assigned_to": "-1"},
        {"action": "accept", "reason": "ok", "version": "NaN"},
        {"action": "nothing"},
        {},
    ],
)
def test_hostile_posts_are_refused_not_500(tenant, setup, fields):
    item = finding(tenant, "2026/Z1")
    response = client(tenant, setup, "buyer").post(f"/controls/findings/{item.pk}/act/", fields)
    assert response.status_code in (400, 409)


def test_only_finance_runs_the_controls_from_the_page(tenant, setup):
    assert client(tenant, setup, "buyer").post("/controls/run/").status_code == 403


def test_the_finding_page_reads_the_assignable_people_in_a_few_queries(tenant, setup, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    owner = client(tenant, setup, "buyer")
    url = f"/controls/findings/{finding(tenant, '2026/Z1').pk}/"

    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            assert owner.get(url).status_code == 200
        return len(seen)

    before = queries()
    for _ in range(5):
        person = make_user(tenant)
        with tenant_context(tenant):
            grant_role(person, Role.BUYER, ScopeKind.TENANT, None, by="test")
    assert queries() == before


def test_the_finding_page_names_its_link_and_its_counts_read_as_counts(tenant, setup):
    owner = client(tenant, setup, "finance")
    item = finding(tenant, "2026/Z1")
    with tenant_context(tenant):
        Finding.objects.filter(pk=item.pk).update(url="/inventory/1/")
    page = owner.get(f"/controls/findings/{item.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Ouvrir la fiche concernée" in page and ">/inventory/1/<" not in page
    # Opened by the controls: said once.
    assert "les contrôles\u00a0: ouverte par les contrôles" not in page
    assert "ouverte par les contrôles" in page
    dashboard = owner.get("/controls/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert ">Ouvertes<" in dashboard and ">Ouvrir<" not in dashboard


def test_an_expert_of_a_domain_opens_every_finding_the_list_shows(tenant, setup, make_user):
    from tenants.access.models import ExpertiseDomain

    expert = make_user(tenant)
    with tenant_context(tenant):
        domain = ExpertiseDomain.objects.create(code="bio", name="Biomédical")
        grant_role(expert, Role.EXPERT, ScopeKind.DOMAIN, domain, by="test")
        ids = list(Finding.objects.values_list("pk", flat=True))
    reader = client_for(host_of(tenant), expert, tenant)
    listed = reader.get("/controls/findings/").content.decode()
    for pk in ids:
        assert f"/controls/findings/{pk}/" in listed
        assert reader.get(f"/controls/findings/{pk}/").status_code == 200
