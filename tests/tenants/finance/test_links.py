"""Plan lines meet the finance system's orders: by the order number typed on the line, by a
purchase request's order number or reference, by the programme; committed and paid follow."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import timezone

from tenants.campaigns.models import Envelope
from tenants.campaigns.selectors import envelope_consumption
from tenants.finance.imports import ORDER_LINES
from tenants.finance.models import OrderLink
from tenants.imports.reader import ImportRefused
from tenants.plan import services
from tenants.purchasing.models import RequestState
from tests.conftest import client_for, host_of
from tests.tenants.purchasing.conftest import on_market

HEADER = (
    "Exercice;N° commande;N° ligne;UF;Libellé;Objet de la dépense;N° programme;"
    "Montant engagé;Montant liquidé"
)


def orders(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def test_the_order_number_typed_on_a_line_brings_its_amounts_and_keeps_the_typed_ones(buying):
    u, line = buying["users"], buying["line"]
    uf = line.uf.code
    line = services.update_line(line, {"committed_amount": "1000"}, by=u["finance"])
    assert (line.committed_amount, line.committed_source) == (Decimal("1000.00"), "manual")
    ORDER_LINES.run(
        orders(f"2027;C-77;1;{uf};Respirateur;;;20 000;5 000", f"2027;C-77;2;{uf};Câbles;;;400;0"),
        "magh2.csv",
    )
    line = services.update_line(line, {"order_number": "C-77"}, by=u["buyer"])
    assert (line.committed_amount, line.committed_source) == (Decimal("20400.00"), "finance")
    assert (line.paid_amount, line.paid_source) == (Decimal("5000.00"), "finance")
    assert line.typed_committed_amount == Decimal("1000.00") and line.typed_paid_amount is None
    assert set(OrderLink.objects.filter(plan_line=line).values_list("reason", flat=True)) == {
        "order_number"
    }
    # What finance types now is kept beside the finance system's amount, not over it.
    line = services.update_line(line, {"committed_amount": "1500"}, by=u["finance"])
    assert line.committed_amount == Decimal("20400.00")
    assert line.typed_committed_amount == Decimal("1500.00")
    # The next export pays the rest: the line follows.
    ORDER_LINES.run(
        orders(
            f"2027;C-77;1;{uf};Respirateur;;;20 000;20 000",
            f"2027;C-77;2;{uf};Câbles;;;400;400",
        ),
        "magh2.csv",
    )
    line.refresh_from_db()
    assert line.paid_amount == Decimal("20400.00")
    # Unlinked, the line gets back what was typed.
    line = services.update_line(line, {"order_number": ""}, by=u["buyer"])
    assert (line.committed_amount, line.committed_source) == (Decimal("1500.00"), "manual")
    assert (line.paid_amount, line.paid_source) == (None, "")
    assert not OrderLink.objects.exists()


def test_a_purchase_requests_order_number_and_reference_link_its_orders(buying):
    u, line = buying["users"], buying["line"]
    uf = line.uf.code
    request = on_market(buying)
    request.state, request.order_number = RequestState.ORDERED, "C-90"
    request.save(update_fields=["state", "order_number"])
    ORDER_LINES.run(
        orders(
            f"2027;C-90;1;{uf};Respirateur;;;24 000;0",
            f"2027;C-91;1;{uf};Livraison {request.reference} reliquat;;;300;300",
            f"2027;C-92;1;{uf};Autre achat;;;999;999",
            f"2027;C-93;1;{uf};Programme;;{line.reference};50;50",
        ),
        "magh2.csv",
    )
    line.refresh_from_db()
    assert line.committed_amount == Decimal("24350.00") and line.paid_amount == Decimal("350.00")
    reasons = dict(
        OrderLink.objects.filter(plan_line=line).values_list("order_line__order_number", "reason")
    )
    assert reasons == {
        "C-90": "request_order",
        "C-91": "request_reference",
        "C-93": "programme",
    }
    del u


def test_the_envelope_consumption_follows_what_the_finance_system_committed(buying):
    line = buying["line"]
    establishment = line.uf.service.pole.establishment
    Envelope.objects.create(campaign=line.campaign, establishment=establishment, amount=50000)
    before = envelope_consumption(line.campaign)[0].consumed
    assert before == Decimal("30000.00")  # granted, nothing ordered yet
    ORDER_LINES.run(
        orders(f"2027;C-5;1;{line.uf.code};Respirateur;;{line.reference};41 000;0"), "magh2.csv"
    )
    assert envelope_consumption(line.campaign)[0].consumed == Decimal("41000.00")


def test_a_refused_import_links_nothing_and_changes_no_line(buying):
    line = buying["line"]
    with pytest.raises(ImportRefused):
        ORDER_LINES.run(orders(f"2027;C-5;1;9999;X;;{line.reference};41 000;0"), "magh2.csv")
    line.refresh_from_db()
    assert line.committed_amount is None and not OrderLink.objects.exists()
    assert line.updated <= timezone.now()


def test_the_line_page_lists_its_orders_for_who_reads_its_amounts(buying, tenant):
    u, line = buying["users"], buying["line"]
    ORDER_LINES.run(
        orders(f"2027;C-5;1;{line.uf.code};Respirateur;;{line.reference};41 000;0"), "m.csv"
    )
    page = client_for(host_of(tenant), u["finance"], tenant).get(
        f"/plan/lines/{line.pk}/", HTTP_ACCEPT_LANGUAGE="fr"
    )
    text = page.content.decode()
    assert "data-line-orders" in text and re.search(r"41.000,00", text)
    # Order and line in one column, the reason under the label: the line page's column is
    # narrow, eight columns broke its labels mid-word.
    assert "C-5 / 1" in text and "Rapprochée par\u00a0:" in text
    requester = client_for(host_of(tenant), u["requester"], tenant).get(f"/plan/lines/{line.pk}/")
    assert "data-line-orders" not in requester.content.decode()


def test_a_finding_on_an_order_sends_to_the_plan_line_it_counts_for(buying):
    from tenants.controls.engine import run_checks
    from tenants.controls.models import Finding
    from tenants.controls.registry import check_for

    line = buying["line"]
    ORDER_LINES.run(orders(f"2027;C-5;1;{line.uf.code};Respirateur;;{line.reference};0;0"), "m.csv")
    run_checks([c for c in [check_for("FIN-ZERO-ORDER")] if c])
    assert Finding.objects.get(code="FIN-ZERO-ORDER").url == f"/plan/lines/{line.pk}/"
