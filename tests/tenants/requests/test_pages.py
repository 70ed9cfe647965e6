"""The request pages and the commission's session, driven through HTTP by one user per
role."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from tenants.campaigns.models import Campaign
from tenants.campaigns.services import add_envelope
from tenants.notifications.models import Notification
from tenants.plan.models import PlanLine
from tenants.requests import workflow
from tenants.requests.models import EquipmentRequest, RequestState
from tenants.requests.services import PartInput, save_draft
from tests.conftest import client_for, host_of


def parts_data(*parts: tuple[str, str, str]) -> dict[str, str]:
    """The parts' rows as the form sends them, with a blank row at the end (its kind select
    still sends a value: the row must count as blank)."""
    parts = (*parts, ("investment", "", ""))
    data = {
        "parts-TOTAL_FORMS": str(len(parts)),
        "parts-INITIAL_FORMS": "0",
        "parts-MIN_NUM_FORMS": "1",
        "parts-MAX_NUM_FORMS": "20",
    }
    for i, (kind, quantity, price) in enumerate(parts):
        data |= {
            f"parts-{i}-kind": kind,
            f"parts-{i}-quantity": quantity,
            f"parts-{i}-unit_price": price,
        }
    return data


def test_a_requester_drafts_a_composite_request_in_the_form_and_sends_it(tenant, chain, web):
    campaign = chain["campaign"]
    page = web["requester"].get(f"/campaigns/{campaign.pk}/requests/new/")
    assert page.status_code == 200
    assert 'name="reference_model"' in page.content.decode()  # an equipment campaign
    response = web["requester"].post(
        f"/campaigns/{campaign.pk}/requests/new/",
        {
            "uf": "1101",
            "title": "Échographe",
            "argument": "Le nôtre a 12 ans",
            "priority": "2",
            **parts_data(("investment", "1", "45 000,00"), ("maintenance", "3", "1200,50")),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_context(tenant):
        request = EquipmentRequest.objects.get(title="Échographe")
        assert request.state == RequestState.DRAFT
        assert [(p.kind, p.quantity, p.unit_price) for p in request.parts.all()] == [
            ("investment", 1, Decimal("45000.00")),
            ("maintenance", 3, Decimal("1200.50")),
        ]
    detail = web["requester"].get(response["Location"])
    body = detail.content.decode()
    assert "48 601,50" in body.replace("\u202f", " ")  # the estimated cost, in euros
    sent = web["requester"].post(
        f"/requests/{request.pk}/act/", {"action": "submit", "version": request.version}
    )
    assert sent.status_code == 302
    with tenant_context(tenant):
        request.refresh_from_db()
        assert request.state == RequestState.SUBMITTED
    waiting = web["pole_head"].get("/requests/waiting/")
    assert "Échographe" in waiting.content.decode()
    assert "Échographe" not in web["other_head"].get("/requests/waiting/").content.decode()
    mine = web["requester"].get("/requests/mine/")
    assert "Échographe" in mine.content.decode()


def test_a_negative_or_absurd_price_is_refused_with_the_field_named(tenant, chain, web):
    campaign = chain["campaign"]
    for price, expected in (("-5", "doit être positif ou nul"), ("900000000", "démesuré")):
        response = web["requester"].post(
            f"/campaigns/{campaign.pk}/requests/new/",
            {"uf": "1101", "title": "X", "priority": "3", **parts_data(("investment", "1", price))},
        )
        assert response.status_code == 400
        body = response.content.decode()
        # Next to the part's price, by its label, never by the internal name.
        assert 'data-field="parts-0-unit_price"' in body and expected in body
        assert "parts[0]" not in body and "Prix unitaire" in body
    with tenant_context(tenant):
        assert not EquipmentRequest.objects.filter(title="X").exists()


def test_a_works_campaign_asks_for_no_device_model(tenant, chain, web):
    with tenant_context(tenant):
        Campaign.objects.filter(pk=chain["campaign"].pk).update(nature="works")
    page = web["requester"].get(f"/campaigns/{chain['campaign'].pk}/requests/new/")
    body = page.content.decode()
    assert 'name="reference_model"' not in body and 'name="replaces"' not in body
    assert '<option value="works" selected>' in body  # the first part is the works


def test_each_actor_plays_their_step_through_the_page_to_the_plan(tenant, chain, web):
    request = chain["request"]
    with tenant_context(tenant):
        workflow.submit(request, by=chain["users"]["requester"])
        domain = chain["biomedical"]

    def act(who: str, **data: str) -> int:
        with tenant_context(tenant):
            version = EquipmentRequest.objects.get(pk=request.pk).version
        response = web[who].post(f"/requests/{request.pk}/act/", {"version": version, **data})
        return response.status_code

    assert act("pole_head", action="pole_opinion", favourable="1") == 302
    assert act("dispatcher", action="dispatch", domain=str(domain.pk)) == 302
    assert act("expert", action="expertise", favourable="1", reason="Conforme") == 302
    assert act("manager", action="management") == 302
    assert (
        act("commission", action="arbitration", decision="granted", granted_amount="29500") == 302
    )
    with tenant_context(tenant):
        line = PlanLine.objects.get(request=request)
        assert line.amount == Decimal("29500.00")
    # The requester follows their purchase; the plan's "Plan" link takes them there.
    assert web["requester"].get("/plan/")["Location"] == "/plan/followed/"
    plan = web["requester"].get("/plan/followed/").content.decode()
    assert "Respirateur" in plan
    history = web["requester"].get(f"/requests/{request.pk}/").content.decode()
    for who in ("pole_head", "dispatcher", "expert", "manager", "commission"):
        assert who in history


def test_a_refusal_through_the_page_says_why_and_changes_nothing(tenant, chain, web):
    request = chain["request"]
    with tenant_context(tenant):
        request = workflow.submit(request, by=chain["users"]["requester"])
    # The wrong person: the head of another pôle does not even see the request.
    assert web["other_head"].get(f"/requests/{request.pk}/").status_code == 404
    stranger = web["other_head"].post(
        f"/requests/{request.pk}/act/", {"action": "pole_opinion", "favourable": "1"}
    )
    assert stranger.status_code == 404
    # The wrong step: the manager acts before the head of pôle.
    early = web["manager"].post(
        f"/requests/{request.pk}/act/", {"action": "management", "version": request.version}
    )
    assert early.status_code == 400
    assert 'data-refusal="state"' in early.content.decode()
    # An unfavourable opinion without its reason.
    unexplained = web["pole_head"].post(
        f"/requests/{request.pk}/act/",
        {"action": "pole_opinion", "favourable": "0", "version": request.version},
    )
    assert (
        unexplained.status_code == 400 and 'data-refusal="reason"' in unexplained.content.decode()
    )
    # Two heads of pôle on the same version: the second is refused.
    first = web["pole_head"].post(
        f"/requests/{request.pk}/act/",
        {"action": "pole_opinion", "favourable": "1", "version": request.version},
    )
    assert first.status_code == 302
    with tenant_context(tenant):
        after = EquipmentRequest.objects.get(pk=request.pk)
    second = web["pole_head"].post(
        f"/requests/{request.pk}/act/",
        {"action": "pole_opinion", "favourable": "1", "version": request.version},
    )
    assert second.status_code == 409
    with tenant_context(tenant):
        assert EquipmentRequest.objects.get(pk=request.pk).version == after.version
        assert after.events.count() == 2


@pytest.fixture
def session(tenant, chain):  # type: ignore[no-untyped-def]
    """Three requests waiting for the commission, and a 50 000 € envelope on their pôle."""
    u = chain["users"]
    with tenant_context(tenant):
        add_envelope(chain["campaign"], chain["pole"], "50000", "own_funds", by=chain["admin"])
        requests = [chain["request"]]
        for title, price, priority in (("Pousse-seringues", "8000", 1), ("Lit", "15000", 4)):
            requests.append(
                save_draft(
                    by=u["requester"],
                    campaign=chain["campaign"],
                    uf=chain["rea"],
                    title=title,
                    priority=priority,
                    parts=[PartInput("investment", 1, price)],
                )
            )
        for request in requests:
            request = workflow.submit(request, by=u["requester"])
            request = workflow.give_pole_opinion(request, by=u["pole_head"], favourable=True)
            request = workflow.dispatch(request, by=u["dispatcher"], domain=chain["biomedical"])
            request = workflow.give_expert_opinion(request, by=u["expert"], favourable=True)
            workflow.validate(request, by=u["manager"])
        return [EquipmentRequest.objects.get(pk=r.pk) for r in requests]


def test_the_session_ranks_requests_and_its_bulk_decisions_are_all_or_nothing(
    tenant, chain, web, session
):
    url = f"/campaigns/{chain['campaign'].pk}/arbitration/"
    assert web["requester"].get(url).status_code == 403
    page = web["commission"].get(url).content.decode()
    # By priority (1, 3, 4); within one priority, favourable opinions first, then the cheaper.
    order = [page.index(f"— {title}</a>") for title in ("Pousse-seringues", "Respirateur", "Lit")]
    assert order == sorted(order)
    breathing, pumps, bed = session
    decisions = {
        f"decision-{pumps.pk}": "granted",
        f"amount-{pumps.pk}": "8000",
        f"version-{pumps.pk}": str(pumps.version),
        f"decision-{bed.pk}": "refused",  # no reason: refused, so nothing is decided
        f"version-{bed.pk}": str(bed.version),
    }
    refused = web["commission"].post(url, decisions)
    assert refused.status_code == 400
    assert "data-problem" in refused.content.decode()
    with tenant_context(tenant):
        assert not PlanLine.objects.exists()
        assert EquipmentRequest.objects.get(pk=pumps.pk).state == RequestState.VALIDATED
    decisions[f"reason-{bed.pk}"] = "Pas prioritaire cette année"
    decisions |= {
        f"decision-{breathing.pk}": "granted",
        f"amount-{breathing.pk}": "28000",
        f"version-{breathing.pk}": str(breathing.version),
    }
    assert web["manager"].post(url, decisions).status_code == 403  # management only reads
    done = web["commission"].post(url, decisions)
    assert done.status_code == 302
    told = web["commission"].get(done.url).content.decode()
    assert "3 décisions enregistrées." in told and "(s)" not in told
    with tenant_context(tenant):
        assert sorted(PlanLine.objects.values_list("amount", flat=True)) == [
            Decimal("8000.00"),
            Decimal("28000.00"),
        ]
        assert EquipmentRequest.objects.get(pk=bed.pk).state == RequestState.REFUSED
    export = web["manager"].get(f"{url}?export=xlsx")
    assert export.status_code == 200
    book = load_workbook(BytesIO(b"".join(export.streaming_content)))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    header = rows[3]
    assert header[:3] == ("Rang", "Référence", "Titre")
    by_title = {row[2]: row for row in rows[4:] if row and row[2]}
    assert by_title["Respirateur"][1] == chain["request"].reference
    assert by_title["Respirateur"][11] == 30000 and by_title["Respirateur"][13] == 28000
    assert by_title["Lit"][14] == "Pas prioritaire cette année"
    total = next(row for row in rows if row and row[0] == "Total")
    assert (total[11], total[13]) == (53000, 36000)  # asked in the session, granted
    total_row = rows.index(total) + 1
    assert book.worksheets[0].cell(total_row, 14).number_format.startswith("#,##0.00")
    envelopes = list(book.worksheets[1].iter_rows(values_only=True))
    # Requested counts what is not refused: 30 000 + 8 000.
    assert envelopes[1][2:] == (50000, 38000, 36000, 14000)
    assert book.worksheets[0].cell(5, 12).number_format.startswith("#,##0.00")


def test_notifications_list_and_open(tenant, chain, web):
    with tenant_context(tenant):
        workflow.submit(chain["request"], by=chain["users"]["requester"])
        note = Notification.objects.get(recipient=chain["users"]["pole_head"])
    page = web["pole_head"].get("/").content.decode()
    assert "data-unread-notifications" in page
    assert web["requester"].get(f"/notifications/{note.pk}/").status_code == 404  # not theirs
    opened = web["pole_head"].get(f"/notifications/{note.pk}/")
    assert opened.status_code == 302 and opened["Location"] == f"/requests/{chain['request'].pk}/"
    with tenant_context(tenant):
        note.refresh_from_db()
        assert note.read is not None


def test_the_request_list_exports_what_it_shows_with_costs_as_numbers(tenant, chain, web):
    response = web["requester"].get("/requests/mine/?export=xlsx")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.getvalue()))
    rows = list(book.active.iter_rows(values_only=True))
    header = rows[0]
    cost = rows[1][header.index("Coût estimé")]
    assert rows[1][header.index("Intitulé")] == "Respirateur"
    assert cost == 30000 and isinstance(cost, int | float)
    # A number with choices goes out as its label (it once made the export fail).
    assert rows[1][header.index("Priorité")] == "3 — normale"
    assert book.active.cell(2, header.index("Coût estimé") + 1).number_format.startswith("#,##0.00")


def defer_to_a_later_campaign(tenant, chain, request) -> Campaign:  # type: ignore[no-untyped-def]
    """The commission defers ``request``; a later census is open for its establishment."""
    with tenant_context(tenant):
        workflow.arbitrate(
            request, by=chain["users"]["commission"], decision="deferred", reason="2028"
        )
        today = datetime.date.today()
        later = Campaign.objects.create(
            name="Recensement 2028",
            nature="equipment",
            year=today.year + 2,
            opens=today,
            closes=today + datetime.timedelta(days=30),
        )
        later.establishments.set([chain["site"]])
    return later


def test_a_deferred_request_is_carried_over_from_its_page(tenant, chain, web, session):
    breathing = session[0]
    later = defer_to_a_later_campaign(tenant, chain, breathing)
    page = web["requester"].get(f"/requests/{breathing.pk}/").content.decode()
    assert 'data-action="carry_over"' in page and "Recensement 2028" in page
    moved = web["requester"].post(
        f"/requests/{breathing.pk}/act/", {"action": "carry_over", "campaign": str(later.pk)}
    )
    assert moved.status_code == 302
    with tenant_context(tenant):
        carried = EquipmentRequest.objects.get(carried_from=breathing)
    assert moved["Location"] == f"/requests/{carried.pk}/"
    again = web["requester"].post(
        f"/requests/{breathing.pk}/act/", {"action": "carry_over", "campaign": str(later.pk)}
    )
    assert again.status_code == 400 and 'data-refusal="state"' in again.content.decode()
    assert "data-carried-to" in web["requester"].get(f"/requests/{breathing.pk}/").content.decode()
    # The new draft is its UF's requesters' until sent: the commission, which reads the
    # deferred request, is not sent to a page it may not open.
    seen = web["commission"].get(f"/requests/{breathing.pk}/").content.decode()
    assert "data-carried-to" not in seen and f"/requests/{carried.pk}/" not in seen
    assert web["commission"].get(f"/requests/{carried.pk}/").status_code == 404


def test_an_establishments_commission_sees_its_own_requests_in_the_session(
    tenant, chain, web, session, make_user
):
    from tenants.access.models import Role, RoleGrant, ScopeKind

    with tenant_context(tenant):
        other_site = type(chain["site"]).objects.create(
            name="Site B",
            finess="800000051",
            legal_entity_name="A",
            legal_entity_finess="800000044",
        )
    member = make_user(tenant)
    with tenant_context(tenant):
        RoleGrant.objects.create(
            user=member,
            role=Role.COMMISSION,
            scope=ScopeKind.ESTABLISHMENT,
            establishment=other_site,
        )
    client = client_for(host_of(tenant), member, tenant)
    url = f"/campaigns/{chain['campaign'].pk}/arbitration/"
    page = client.get(url).content.decode()
    assert "Pousse-seringues" not in page and "data-row=" not in page
    assert "Pousse-seringues" in web["commission"].get(url).content.decode()


def test_each_transition_says_what_it_did(tenant, chain, web):
    item = chain["request"]
    url = f"/requests/{item.pk}/act/"
    sent = web["requester"].post(url, {"action": "submit", "version": item.version})
    assert sent.status_code == 302
    told = web["requester"].get(sent.url).content.decode()
    assert "Demande envoyée au chef de pôle." in told and "C'est fait" not in told
    with tenant_context(tenant):
        item.refresh_from_db()
    opinion = {"action": "pole_opinion", "favourable": "1", "version": item.version}
    given = web["pole_head"].post(url, opinion)
    assert given.status_code == 302
    assert "Avis du chef de pôle enregistré." in web["pole_head"].get(given.url).content.decode()


def test_the_waiting_page_query_count_does_not_grow_with_rows(tenant, chain, web, session):
    """Every column of the list, the structure's and the people's included, is read with the
    rows: not one query per row (the page once read only the campaign and the UF with them)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = web["commission"]
    client.post(
        "/lists/campaigns.waiting/columns/",
        {"columns": ["id", "service", "pole", "establishment", "domain", "requested_by"]},
    )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/requests/waiting/").status_code == 200
        return len(captured)

    fewer = queries()
    u = chain["users"]
    with tenant_context(tenant):
        for title in ("Moniteur", "Table d'opération"):
            request = save_draft(
                by=u["requester"],
                campaign=chain["campaign"],
                uf=chain["rea"],
                title=title,
                parts=[PartInput("investment", 1, "1000")],
            )
            request = workflow.submit(request, by=u["requester"])
            request = workflow.give_pole_opinion(request, by=u["pole_head"], favourable=True)
            request = workflow.dispatch(request, by=u["dispatcher"], domain=chain["biomedical"])
            request = workflow.give_expert_opinion(request, by=u["expert"], favourable=True)
            workflow.validate(request, by=u["manager"])
    assert queries() == fewer
