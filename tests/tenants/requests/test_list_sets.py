"""The request lists' column sets (one per role's work), row colours and footer sums."""

from __future__ import annotations

import re

import lxml.html
import pytest
from django_tenants.utils import tenant_context

from tenants.requests.models import EquipmentRequest, Priority, RequestState
from tenants.requests.services import PartInput, save_draft
from tenants.requests.tables import ARBITRATE, DISPATCH, EXPERTISE, MINE, OPINION
from tenants.tables.models import TablePreference

LIST, MINE_URL = "/requests/", "/requests/mine/"


def headers(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return re.findall(r'<th[^>]*data-column="([a-z_]+)"', response.content.decode())


def html(response):  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


@pytest.fixture
def critical(tenant, chain):  # type: ignore[no-untyped-def]
    """A second request of the chain's UF, critical, with two parts (2 x 32,500 + 4,000)."""
    with tenant_context(tenant):
        return save_draft(
            by=chain["users"]["requester"],
            campaign=chain["campaign"],
            uf=chain["request"].uf,
            title="Moniteur critique",
            priority=Priority.CRITICAL,
            parts=[PartInput("investment", 2, "32500"), PartInput("maintenance", 1, "4000")],
        )


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("pole_head", OPINION),
        ("dispatcher", DISPATCH),
        ("expert", EXPERTISE),
        ("commission", ARBITRATE),
        ("manager", ARBITRATE),
        ("requester", MINE),
    ],
)
def test_each_role_starts_from_its_own_set(web, who, expected):
    assert headers(web[who].get(LIST)) == list(expected.columns)


def test_my_requests_start_from_mine_even_for_a_head_of_pole(web, tenant, chain):
    from tenants.access.models import Role, RoleGrant, ScopeKind

    with tenant_context(tenant):
        RoleGrant.objects.create(
            user=chain["users"]["pole_head"],
            role=Role.REQUESTER,
            scope=ScopeKind.UF,
            uf=chain["request"].uf,
        )
    assert headers(web["pole_head"].get(MINE_URL)) == list(MINE.columns)
    assert headers(web["pole_head"].get(LIST)) == list(OPINION.columns)


def test_every_set_is_offered_in_french_and_archived_is_nobodys_default(web, tenant, chain):
    page = html(web["expert"].get(LIST))
    (select,) = page.xpath("//select[@name='set']")
    assert [(o.get("value"), o.text) for o in select] == [
        ("opinion", "Avis à donner"),
        ("dispatch", "À répartir"),
        ("expertise", "À expertiser"),
        ("arbitrate", "À arbitrer"),
        ("mine", "Mes demandes"),
        ("archived", "Archivées"),
    ]
    chosen = web["expert"].post("/lists/campaigns.requests/sets/", {"set": "archived"})
    assert chosen.status_code == 302 and chosen["Location"] == LIST
    assert headers(web["expert"].get(LIST)) == [
        "reference",
        "title",
        "campaign",
        "year",
        "uf_code",
        "state",
        "cost",
        "granted_amount",
        "updated",
    ]
    with tenant_context(tenant):
        expert = chain["users"]["expert"]
        saved = TablePreference.objects.get(user=expert, page="campaigns.requests")
        assert saved.columns[:3] == ["reference", "title", "campaign"]


def test_a_critical_request_is_red_and_says_so(web, critical):
    page = html(web["requester"].get(MINE_URL, {"sort": "reference"}))
    rows = {r.xpath("string(td[1]/a)"): r for r in page.xpath("//table/tbody/tr")}
    assert "table-danger" in rows[critical.reference].get("class")
    hidden = rows[critical.reference].xpath("string(td[1]/span[@class='visually-hidden'])")
    assert hidden == " (Priorité 1\u00a0: critique)"
    others = [row for ref, row in rows.items() if ref != critical.reference]
    assert others and all("table-" not in row.get("class") for row in others)
    legend = [li.text_content() for li in page.xpath("//*[@data-role='legend']//li")]
    assert [text[2:] for text in legend] == [
        "Priorité 1\u00a0: critique",
        "Compléments demandés au demandeur",
    ]


def test_more_information_is_a_colour_for_requesters_only(web, tenant, chain):
    with tenant_context(tenant):
        EquipmentRequest.objects.filter(pk=chain["request"].pk).update(
            state=RequestState.MORE_INFORMATION
        )
    (row,) = html(web["requester"].get(MINE_URL)).xpath("//table/tbody/tr")
    assert "table-warning" in row.get("class")
    head = html(web["pole_head"].get(LIST))
    (row,) = head.xpath("//table/tbody/tr")
    assert "table-warning" not in row.get("class")
    legend = head.xpath("//*[@data-role='legend']//li")
    assert [li.text_content()[2:] for li in legend] == ["Priorité 1\u00a0: critique"]


def test_the_footer_sums_the_estimated_costs_of_every_listed_request(web, critical):
    page = html(web["requester"].get(MINE_URL))
    (row,) = page.xpath("//table/tfoot/tr")
    cells = {cell.get("data-total"): cell.text_content().strip() for cell in row}
    # 30,000 + 65,000 + 4,000: each request's parts once, whatever the join does.
    assert cells["reference"] == "Total (2 lignes)"
    assert cells["cost"] == "99\u202f000,00\u00a0€" and cells["granted_amount"] == "0,00\u00a0€"
    assert cells["title"] == ""
