"""The commission's session shown in parts: the rank, the totals and the envelopes' figures the
running totals start from are those of the whole session, whatever part a page shows."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django_tenants.utils import tenant_context

from tenants.campaigns.selectors import COUNTED, envelope_consumption
from tenants.campaigns.services import add_envelope
from tenants.requests import arbitration, views
from tenants.requests.models import EquipmentRequest, RequestEvent, RequestPart
from tenants.requests.services import PartInput, save_draft
from tenants.requests.workflow import DECIDED
from tenants.structure.models import FunctionalUnit, Service

# title, priority, parts' prices (the expert's correction after a slash), state, granted,
# opinions in order (step, favourable): the latest at a step is the one that counts.
REQUESTS: list[tuple[str, int, list[str], str, str | None, list[tuple[str, bool]]]] = [
    ("Scope", 2, ["12000"], "validated", None, [("pole_opinion", True), ("expertise", True)]),
    ("Moniteur", 2, ["9000", "500/800"], "validated", None, [("expertise", False)]),
    ("Pompe", 1, ["4000"], "validated", None, [("pole_opinion", False), ("pole_opinion", True)]),
    ("Table", 3, ["15000"], "validated", None, [("pole_opinion", True), ("expertise", False)]),
    ("Lampe", 2, ["2000"], "validated", None, []),
    ("Échographe", 1, ["40000"], "granted", "35000", [("expertise", True)]),
    ("Lit", 4, ["3000"], "refused", None, []),
    ("Brancard", 3, ["2500"], "deferred", None, []),
    ("Chariot", 2, ["1000/1200"], "granted", "1100", []),
    ("Brouillon", 1, ["99999"], "draft", None, []),  # not in the session
    ("Envoyée", 1, ["77777"], "submitted", None, []),  # not yet for the commission
]


@pytest.fixture
def big_session(tenant, chain):  # type: ignore[no-untyped-def]
    """Eleven requests of two services in every state, three envelopes (the establishment,
    the pôle, the second service)."""
    u = chain["users"]
    with tenant_context(tenant):
        second = FunctionalUnit.objects.create(
            service=Service.objects.create(pole=chain["pole"], code="S2", name="Bloc"),
            code="1201",
            name="Bloc A",
        )
        for scope, amount in ((chain["site"], "60000"), (chain["pole"], "50000")):
            add_envelope(chain["campaign"], scope, amount, "own_funds", by=chain["admin"])
        add_envelope(chain["campaign"], second.service, "10000", "subsidy", by=chain["admin"])
        chain["request"].delete()  # the chain's own draft: this session holds only those below
        for index, (title, priority, prices, state, granted, opinions) in enumerate(REQUESTS):
            request = save_draft(
                by=u["requester"],
                campaign=chain["campaign"],
                uf=chain["rea"],
                title=title,
                priority=priority,
                parts=[PartInput("investment", 1, price.split("/")[0]) for price in prices],
            )
            for part, price in zip(request.parts.order_by("pk"), prices, strict=True):
                if "/" in price:
                    RequestPart.objects.filter(pk=part.pk).update(
                        expert_unit_price=Decimal(price.split("/")[1])
                    )
            EquipmentRequest.objects.filter(pk=request.pk).update(
                state=state, granted_amount=granted, uf=second if index % 2 else chain["rea"]
            )
            for step, favourable in opinions:
                RequestEvent.objects.create(
                    request=request,
                    action=step,
                    from_state="",
                    to_state="",
                    actor=u["expert"],
                    reason="" if favourable else "Non",
                    data={"favourable": favourable},
                )
    return chain["campaign"]


def by_hand(campaign: Any) -> list[dict[str, Any]]:
    """The session computed straightforwardly: each request's cost, opinions and envelopes
    read one by one, ranked by Python."""
    rows = []
    for request in campaign.requests.filter(state__in=["validated", *DECIDED]):
        cost = sum(
            (
                (p.expert_unit_price if p.expert_unit_price is not None else p.unit_price)
                * p.quantity
                for p in request.parts.all()
            ),
            Decimal("0"),
        )
        latest = {}
        for event in request.events.filter(action__in=["pole_opinion", "expertise"]).order_by(
            "at", "pk"
        ):
            latest[event.action] = event.data["favourable"]
        unfavourable = sum(1 for favourable in latest.values() if not favourable)
        envelopes = [
            e.pk
            for e in campaign.envelopes.order_by("pk")
            if campaign.requests.filter(e.covers(), pk=request.pk).exists()
        ]
        decided = request.state in DECIDED
        rows.append(
            {
                "key": (decided, request.priority, unfavourable, cost, request.pk),
                "pk": request.pk,
                "cost": cost,
                "granted": request.granted_amount if decided else None,
                "envelopes": envelopes,
            }
        )
    return sorted(rows, key=lambda row: row["key"])


def test_every_part_of_the_session_has_the_whole_sessions_ranks_and_totals(tenant, big_session):
    with tenant_context(tenant):
        expected = by_hand(big_session)
        assert len(expected) == 9
        whole = arbitration.session(big_session)
        for size in (1, 2, 4):
            rows = []
            offset = 0
            while True:
                part = arbitration.session(big_session, offset=offset, limit=size)
                # The totals, from which the page's running totals start, count every row.
                assert part.count == 9 and part.waiting_count == 5
                assert part.total_requested == sum(row["cost"] for row in expected)
                assert part.total_granted == Decimal("36100")
                assert part.total_requested == whole.total_requested
                rows += part.rows
                if not part.remaining:
                    break
                assert part.next_offset == offset + size
                offset = part.next_offset
            assert [row.rank for row in rows] == list(range(1, 10))
            assert [row.request.pk for row in rows] == [row["pk"] for row in expected]
            assert [row.cost for row in rows] == [row["cost"] for row in expected]
            assert [row.envelopes for row in rows] == [row["envelopes"] for row in expected]
        assert [row.request.pk for row in whole.rows] == [row["pk"] for row in expected]


def test_the_envelopes_figures_are_each_envelopes_own_requests(tenant, big_session):
    with tenant_context(tenant):
        consumption = envelope_consumption(big_session)
        assert len(consumption) == 3
        for item in consumption:
            covered = big_session.requests.filter(item.envelope.covers(), state__in=COUNTED)
            requested = sum(
                (
                    (p.expert_unit_price or p.unit_price) * p.quantity
                    for p in RequestPart.objects.filter(request__in=covered)
                ),
                Decimal("0"),
            )
            granted = sum((r.granted_amount for r in covered.filter(state="granted")), Decimal("0"))
            assert (item.requested, item.granted) == (requested, granted), item.envelope
            assert item.consumed == granted  # no plan line yet: the grants themselves
        figures = {
            str(item.envelope.amount): (item.requested, item.granted) for item in consumption
        }
        # The establishment's and the pôle's hold every request sent and not refused (the one
        # submitted too), the second service's its own.
        assert figures["60000.00"] == figures["50000.00"] == (Decimal("164277"), Decimal("36100"))
        assert figures["10000.00"] == (Decimal("67300"), Decimal("35000"))


def test_the_page_shows_the_first_rows_and_loads_the_next_ones_into_it(
    tenant, big_session, web, monkeypatch
):
    monkeypatch.setattr(views, "SESSION_ROWS", 2)
    url = f"/campaigns/{big_session.pk}/arbitration/"
    with tenant_context(tenant):
        expected = [row["pk"] for row in by_hand(big_session)]
    page = web["commission"].get(url).content.decode()
    assert re.findall(r'data-row="(\d+)"', page) == [str(pk) for pk in expected[:2]]
    # The totals the running totals start from count every row, not the two shown.
    assert 'data-running-total data-granted="36100.00"' in page
    assert "2 demandes sur 9 affichées." in page and "Afficher les 2 suivantes" in page
    assert "Afficher les 7 autres" in page
    loaded = []
    offset = 2
    while True:
        part = web["commission"].get(url, {"offset": offset})
        assert part.status_code == 200
        text = part.content.decode()
        assert "<html" not in text and "data-running-total" not in text
        loaded += re.findall(r'data-row="(\d+)"', text)
        ranks = re.findall(r"<tr id=\"request-\d+\"[^>]*>\s*<td>(\d+)</td>", text)
        assert ranks == [str(rank) for rank in range(offset + 1, offset + 1 + len(ranks))]
        if "data-more" not in text:
            break
        offset = int(re.search(r"offset=(\d+)", text).group(1))  # type: ignore[union-attr]
    assert loaded == [str(pk) for pk in expected[2:]]
    rest = web["commission"].get(url, {"offset": 2, "rest": "1"}).content.decode()
    assert re.findall(r'data-row="(\d+)"', rest) == [str(pk) for pk in expected[2:]]
    assert "data-more" not in rest
    for wrong in ("-1", "deux", "99999999999999999999"):
        refused = web["commission"].get(url, {"offset": wrong})
        assert refused.status_code == 400
        said = refused.content.decode()
        assert "À partir de la ligne\u00a0: un nombre entier est attendu" in said
    assert web["commission"].get(url, {"offset": "1\x00"}).status_code == 400
    assert web["requester"].get(url, {"offset": 2}).status_code == 403


def test_a_refused_session_shows_again_the_rows_loaded_beyond_the_first_ones(
    tenant, big_session, web, monkeypatch
):
    monkeypatch.setattr(views, "SESSION_ROWS", 2)
    url = f"/campaigns/{big_session.pk}/arbitration/"
    with tenant_context(tenant):
        expected = [row["pk"] for row in by_hand(big_session)]
        versions = dict(EquipmentRequest.objects.values_list("pk", "version"))
    first, _second, third, fourth = expected[:4]
    posted = {f"decision-{pk}": "" for pk in expected[:4]}  # four rows loaded
    posted |= {f"version-{pk}": str(versions[pk]) for pk in expected[:4]}
    posted |= {
        f"decision-{first}": "granted",
        f"amount-{first}": "4000",
        f"decision-{third}": "granted",
        f"amount-{third}": "9 800",
        f"decision-{fourth}": "deferred",  # no reason: refused
    }
    refused = web["commission"].post(url, posted)
    assert refused.status_code == 400
    page = refused.content.decode()
    assert re.findall(r'data-row="(\d+)"', page) == [str(pk) for pk in expected[:4]]
    assert f'id="amount-{third}" data-amount' in page and 'value="9 800"' in page
    assert f'href="#reason-{fourth}"' in page
