"""The purchasing pages, as a buyer and an expert use them; bad input answered next to the
field, never with a 500."""

from __future__ import annotations

import io
import re

import pytest
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from tenants.purchasing import services
from tenants.purchasing.documents import document_data
from tenants.purchasing.models import (
    ChecklistItem,
    OffContractException,
    PurchaseFile,
    PurchaseRequest,
    RequestState,
)
from tests.conftest import client_for, host_of
from tests.tenants.purchasing.conftest import TODAY, days, line_input, off_contract, on_market

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(buying, tenant):  # type: ignore[no-untyped-def]
    return {
        name: client_for(host_of(tenant), buying["users"][name], tenant)
        for name in ("buyer", "expert", "requester", "finance", "imaging_expert")
    }


def request_post(setup, **extra) -> dict[str, str]:  # type: ignore[no-untyped-def]
    data = {
        "supplier": "Maquet SAS",
        "quote_date": TODAY.strftime("%d/%m/%Y"),
        "quote_number": "DEV-9",
        "market": str(setup["market"].pk),
        "lot": "1",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "50",
        "lines-0-plan_line": setup["line"].reference,
        "lines-0-description": "Respirateur",
        "lines-0-quantity": "1",
        "lines-0-unit_price": "10000",
        "lines-0-vat_rate": "20",
        "lines-0-warranty_months": "24",
        "lines-0-to_inventory": "on",
    }
    data.update(extra)
    return data


def test_a_buyer_writes_a_request_through_the_form(buying, clients, tenant):
    response = clients["buyer"].post("/purchasing/requests/new/", request_post(buying))
    assert response.status_code == 302, response.content.decode()[:3000]
    with tenant_context(tenant):
        item = PurchaseRequest.objects.get()
        assert item.lot == buying["lot"] and item.lines.get().warranty_months == 24
    page = clients["buyer"].get(response["Location"])
    assert item.reference in page.content.decode()
    assert 'data-act="send"' in page.content.decode()


def test_an_ended_market_is_refused_next_to_its_field(buying, clients, tenant):
    data = request_post(buying, market=str(buying["ended"].pk), lot="1")
    response = clients["buyer"].post("/purchasing/requests/new/", data)
    assert response.status_code == 400
    assert 'id="id_market_error"' in response.content.decode() or "is-invalid" in (
        response.content.decode()
    )
    with tenant_context(tenant):
        assert not PurchaseRequest.objects.exists()


@pytest.mark.parametrize(
    "extra",
    [
        {"lines-0-unit_price": "9" * 5000},
        {"lines-0-quantity": "\x00"},
        {"quote_date": "31/02/2027"},
        {"market": "99999999999999999999"},
        {"lines-0-plan_line": "PLN-\x00"},
        {"lines-TOTAL_FORMS": "100000"},
        {"supplier": "x" * 300},
        {"lot": "\x00"},
        {"exception": "abc"},
        {"lines-0-vat_rate": "1e999"},
        {"lines-0-warranty_months": "99999999999999999999"},
    ],
)
def test_bad_input_never_answers_500(buying, clients, extra):
    response = clients["buyer"].post("/purchasing/requests/new/", request_post(buying, **extra))
    assert 400 <= response.status_code < 500


REFUSED = "Les achats sont r\u00e9serv\u00e9s aux acheteurs"


def test_a_requester_is_told_purchasing_is_not_for_their_roles(buying, clients, tenant):
    # A page of a role the person lacks: 403 saying why, as the arbitration session and the
    # markets answer; even for objects that exist (their scope is not the question).
    with tenant_context(tenant):
        item = on_market(buying)
        file = services.create_file(
            services.FileInput(
                title="R\u00e9a", lead=buying["users"]["buyer"], plan_lines=[buying["line"]]
            ),
            by=buying["users"]["buyer"],
        )
    exception = buying["exception"]
    for url in (
        "/purchasing/requests/",
        "/purchasing/requests/new/",
        f"/purchasing/requests/{item.pk}/",
        f"/purchasing/requests/{item.pk}/edit/",
        "/purchasing/files/",
        "/purchasing/files/new/",
        f"/purchasing/files/{file.pk}/",
        f"/purchasing/files/{file.pk}/edit/",
        "/purchasing/exceptions/",
        "/purchasing/exceptions/new/",
        f"/purchasing/exceptions/{exception.pk}/",
        f"/purchasing/exceptions/{exception.pk}/edit/",
        "/purchasing/spending/",
    ):
        response = clients["requester"].get(url)
        assert response.status_code == 403, url
        body = response.content.decode()
        assert 'data-error-page="403"' in body and REFUSED in body, url
        assert "aucun de vos r\u00f4les n\u2019y donne acc\u00e8s" in body, url
    sent = clients["requester"].post(f"/purchasing/requests/{item.pk}/act/", {"action": "cancel"})
    assert sent.status_code == 403
    with tenant_context(tenant):
        item.refresh_from_db()
        assert item.state == RequestState.DRAFT


def test_a_reader_of_purchases_is_told_which_pages_are_the_buyers(buying, clients, tenant):
    with tenant_context(tenant):
        file = services.create_file(
            services.FileInput(
                title="R\u00e9a", lead=buying["users"]["buyer"], plan_lines=[buying["line"]]
            ),
            by=buying["users"]["buyer"],
        )
    # Finance reads purchases: the buyers' pages say so rather than pretend not to exist.
    finance = clients["finance"]
    assert finance.get(f"/purchasing/files/{file.pk}/").status_code == 200
    edit = finance.get(f"/purchasing/files/{file.pk}/edit/")
    assert edit.status_code == 403
    assert "modifi\u00e9 par son pilote" in edit.content.decode()
    new = finance.get("/purchasing/requests/new/")
    assert new.status_code == 403 and "r\u00e9digent des demandes" in new.content.decode()
    assert finance.get("/purchasing/files/new/").status_code == 403
    exception = finance.get("/purchasing/exceptions/new/")
    assert exception.status_code == 403 and "Seuls les acheteurs" in exception.content.decode()


def test_an_object_out_of_the_persons_scope_is_not_found(buying, clients, tenant):
    with tenant_context(tenant):
        item = on_market(buying)
    # The imaging expert reads purchases, but not those of the ventilation domain.
    other = clients["imaging_expert"]
    assert other.get("/purchasing/requests/").status_code == 200
    assert other.get(f"/purchasing/requests/{item.pk}/").status_code == 404
    assert other.get(f"/purchasing/requests/{item.pk}/edit/").status_code == 404
    assert other.get("/purchasing/requests/999999/").status_code == 404


def test_an_expert_of_another_domain_does_not_see_the_request(buying, clients, tenant):
    with tenant_context(tenant):
        item = on_market(buying)
    assert clients["expert"].get(f"/purchasing/requests/{item.pk}/").status_code == 200
    assert clients["imaging_expert"].get(f"/purchasing/requests/{item.pk}/").status_code == 404


def test_the_buyer_sends_and_orders_from_the_page(buying, clients, tenant):
    with tenant_context(tenant):
        item = on_market(buying)
    url = f"/purchasing/requests/{item.pk}/act/"
    sent = clients["buyer"].post(url, {"action": "send", "version": item.version, "act-note": ""})
    assert sent.status_code == 302
    # The page says what was done, in French.
    shown = clients["buyer"].get(sent["Location"]).content.decode()
    assert "La demande d\u2019achat est validée et envoyée." in shown
    stale = clients["buyer"].post(url, {"action": "cancel", "version": item.version})
    assert stale.status_code == 409
    ordered = clients["buyer"].post(
        url, {"action": "order", "version": item.version + 1, "order-order_number": "BC-1"}
    )
    assert ordered.status_code == 302
    with tenant_context(tenant):
        item.refresh_from_db()
        assert item.state == RequestState.ORDERED and item.order_number == "BC-1"


def test_an_expert_may_not_send(buying, clients, tenant):
    with tenant_context(tenant):
        item = on_market(buying, by=buying["users"]["expert"])
    response = clients["expert"].post(
        f"/purchasing/requests/{item.pk}/act/", {"action": "send", "version": item.version}
    )
    assert response.status_code == 403


def test_lists_and_the_spending_xlsx(buying, clients, tenant):
    with tenant_context(tenant):
        services.send_request(off_contract(buying), by=buying["users"]["buyer"])
        on_market(buying)
    for url in ("/purchasing/requests/", "/purchasing/files/", "/purchasing/exceptions/"):
        assert clients["buyer"].get(url).status_code == 200, url
    page = clients["finance"].get("/purchasing/spending/")
    assert page.status_code == 200 and "Dräger France" in page.content.decode()
    export = clients["finance"].get("/purchasing/spending/?export=xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Fournisseur", str(TODAY.year), "Total") or rows[0][1] == str(TODAY.year)
    assert rows[1][0] == "Dräger France" and rows[1][1] == 1000


def test_an_exception_is_recorded_and_edited_by_the_buyer(buying, clients, tenant):
    data = {
        "code": "HM2",
        "supplier": "Maquet SAS",
        "account_prefix": "2154",
        "valid_from": TODAY.strftime("%d/%m/%Y"),
        "valid_until": days(90).strftime("%d/%m/%Y"),
    }
    assert clients["expert"].post("/purchasing/exceptions/new/", data).status_code == 403
    assert clients["buyer"].post("/purchasing/exceptions/new/", data).status_code == 302
    with tenant_context(tenant):
        exception = OffContractException.objects.get(code="HM2")
    bad = {**data, "valid_until": days(-5).strftime("%d/%m/%Y"), "version": exception.version}
    response = clients["buyer"].post(f"/purchasing/exceptions/{exception.pk}/edit/", bad)
    assert response.status_code == 400


def test_who_follows_purchases_reads_an_exception_only_a_buyer_changes_it(buying, clients, tenant):
    with tenant_context(tenant):
        item = off_contract(buying)
    exception = buying["exception"]
    page = f"/purchasing/exceptions/{exception.pk}/"
    edit = f"/purchasing/exceptions/{exception.pk}/edit/"
    # The list links each row to the exception's page, which every reader of the list opens.
    assert page in clients["finance"].get("/purchasing/exceptions/").content.decode()
    for name in ("finance", "expert"):
        response = clients[name].get(page)
        assert response.status_code == 200, name
        html = response.content.decode()
        assert "Dräger France" in html and item.reference in html, name
        assert "data-exception-form" not in html and edit not in html, name
        # Neither the edit page nor a change sent to either address.
        data = {"code": "HM1", "supplier": "Dräger France", "version": exception.version}
        assert clients[name].get(edit).status_code == 403, name
        assert clients[name].post(edit, data).status_code == 403, name
        assert clients[name].post(page, data).status_code == 405, name
    with tenant_context(tenant):
        exception.refresh_from_db()
        assert exception.code == "HM4" and exception.version == 1
    # The buyer gets the button to change it; a requester does not see purchasing at all.
    assert edit in clients["buyer"].get(page).content.decode()
    assert clients["buyer"].get(edit).status_code == 200
    assert clients["requester"].get(page).status_code == 403


def test_a_purchase_file_with_its_checklist(buying, clients, tenant):
    buyer, expert = buying["users"]["buyer"], buying["users"]["expert"]
    response = clients["buyer"].post(
        "/purchasing/files/new/",
        {
            "title": "Réanimation 2027",
            "lead": buyer.email,
            "participants": expert.email,
            "plan_lines": buying["line"].reference,
            "deadline": days(60).strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_context(tenant):
        file = PurchaseFile.objects.get()
        assert file.checklist.count() == 5
        item = file.checklist.get(kind="fluids")
    page = clients["expert"].get(f"/purchasing/files/{file.pk}/")
    assert page.status_code == 200 and "Fluides" in page.content.decode()
    prefix = f"item{item.pk}"
    changed = clients["expert"].post(
        f"/purchasing/files/{file.pk}/checklist/{item.pk}/",
        {
            f"{prefix}-owner": expert.email,
            f"{prefix}-status": "in_progress",
            f"{prefix}-note": "O2",
        },
    )
    assert changed.status_code == 302
    with tenant_context(tenant):
        item = ChecklistItem.objects.get(pk=item.pk)
        assert (item.owner, item.status) == (expert, "in_progress")
    other = clients["imaging_expert"].get(f"/purchasing/files/{file.pk}/")
    assert other.status_code == 404


def test_the_plan_line_page_shows_its_purchase_requests(buying, clients, tenant):
    with tenant_context(tenant):
        item = on_market(buying)
    page = clients["buyer"].get(buying["line"].get_absolute_url()).content.decode()
    assert "data-line-purchases" in page and item.reference in page
    assert f"/purchasing/requests/new/?line={buying['line'].pk}" in page


def test_cancelling_a_new_request_goes_back_where_it_was_started(buying, clients, tenant):
    line = buying["line"]
    started = clients["buyer"].get(f"/purchasing/requests/new/?line={line.pk}")
    assert f'href="{line.get_absolute_url()}" data-cancel' in started.content.decode()
    plain = clients["buyer"].get("/purchasing/requests/new/")
    assert 'href="/purchasing/requests/" data-cancel' in plain.content.decode()


def test_document_data_gives_plain_values(buying, tenant):
    with tenant_context(tenant):
        item = on_market(buying)
        context = document_data(item)
    assert context["reference"] == item.reference
    assert context["procurement"]["kind"] == "market"
    assert context["procurement"]["lot_number"] == "1"
    assert context["supplier"]["name"] == "Maquet SAS"
    assert str(context["total_excl_vat"]) == "20000.00"
    assert str(context["total_incl_vat"]) == "24000.00"
    assert context["lines"][0]["plan_line"] == buying["line"].reference
    assert context["budget_lines"][0]["granted"] == buying["line"].amount
    assert context["establishment"]["finess"]


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_lists_read_as_many_queries_for_two_rows_as_for_six(buying, clients, tenant):
    def add(count: int) -> None:
        with tenant_context(tenant):
            for _ in range(count):
                on_market(buying, lines=[line_input(buying, unit_price="100")])
                off_contract(buying)

    urls = ("/purchasing/requests/", buying["line"].get_absolute_url())
    add(1)
    before = [_queries(clients["buyer"], url) for url in urls]
    add(2)
    assert [_queries(clients["buyer"], url) for url in urls] == before


def test_a_markets_page_lists_the_plan_lines_bought_on_it(buying, clients, tenant):
    with tenant_context(tenant):
        bought = on_market(buying)
        cancelled = on_market(
            buying, quote_number="DEV-2", lines=[line_input(buying, quantity=1, unit_price="4000")]
        )
        services.cancel_request(cancelled, by=buying["users"]["buyer"])
    page = clients["buyer"].get(f"/markets/{buying['market'].pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "data-market-purchases" in html
    assert bought.reference in html and buying["line"].reference in html
    assert cancelled.reference not in html
    # Someone who may not see purchases sees no section (the market page itself is theirs).
    other = clients["finance"].get(f"/markets/{buying['market'].pk}/").content.decode()
    assert ("data-market-purchases" in other) == (bought.reference in other)


def test_a_buyer_follows_a_line_without_a_link_to_the_request_they_may_not_read(
    buying, clients, tenant
):
    """Purchasing follows plan lines but not the campaign's requests: the line's page names
    the request it came from, linked only for those who may open it."""
    line = buying["line"]
    link = f'href="/requests/{line.request_id}/"'
    page = clients["buyer"].get(f"/plan/lines/{line.pk}/").content.decode()
    assert line.request.reference in page and link not in page
    assert clients["buyer"].get(f"/requests/{line.request_id}/").status_code == 404
    assert link in clients["expert"].get(f"/plan/lines/{line.pk}/").content.decode()


# The request form, as a new user read it (issue 16) ---------------------------------------


def test_the_request_form_says_none_in_french_and_has_a_way_back(buying, clients, tenant):
    page = clients["buyer"].get("/purchasing/requests/new/").content.decode()
    assert "---------" not in page
    assert "\u2014 aucun \u2014" in page and "\u2014 aucune \u2014" in page
    assert 'href="/purchasing/requests/" data-cancel>Annuler</a>' in page
    # Each order line is a card of its own, and a copy of one waits for "Ajouter une ligne".
    assert page.count("data-order-line>") == 4  # one line, two empty ones, the copy
    assert 'data-formset-add="lines"' in page and "Ligne 1" in page
    with tenant_context(tenant):
        item = on_market(buying)
    edit = clients["buyer"].get(f"/purchasing/requests/{item.pk}/edit/").content.decode()
    assert f'href="/purchasing/requests/{item.pk}/" data-cancel>Annuler</a>' in edit


def test_a_lot_chosen_among_the_suggestions_gives_its_market(buying, clients, tenant):
    found = clients["buyer"].get("/suggest/purchasing_lot/", {"field": "lot", "lot": "anim"})
    assert "1 \u00b7 2025-RESP" in found.content.decode()
    data = request_post(buying, market="", lot="1 \u00b7 2025-RESP")
    response = clients["buyer"].post("/purchasing/requests/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    with tenant_context(tenant):
        item = PurchaseRequest.objects.get()
        assert (item.market, item.lot) == (buying["market"], buying["lot"])


def test_a_lot_of_another_market_than_the_one_chosen_is_refused_on_the_lot(buying, clients):
    data = request_post(buying, market=str(buying["ended"].pk), lot="1 \u00b7 2025-RESP")
    response = clients["buyer"].post("/purchasing/requests/new/", data)
    assert response.status_code == 400
    assert "ce lot est d\u2019un autre march\u00e9 que celui choisi" in response.content.decode()
    unknown = request_post(buying, market="", lot="1 \u00b7 NOPE")
    response = clients["buyer"].post("/purchasing/requests/new/", unknown)
    assert response.status_code == 400
    assert "aucun march\u00e9 n\u2019a cette r\u00e9f\u00e9rence" in response.content.decode()


def test_the_purchasing_menu_groups_what_the_role_may_use(buying, clients):
    def groups(name: str) -> list[str]:
        menu = clients[name].get("/").content.decode().split("data-purchasing-menu", 1)
        return (
            re.findall(r'data-menu-group="(\w+)"', menu[1].split("</nav>")[0])
            if len(menu) > 1
            else []
        )

    assert groups("buyer") == ["markets", "purchases", "catalogue", "finance"]
    assert groups("expert") == ["markets", "purchases", "catalogue", "finance"]
    assert groups("requester") == ["catalogue"]
    buyer = clients["buyer"].get("/").content.decode()
    assert 'aria-labelledby="menu-group-purchases"' in buyer
    assert 'href="/catalogue/import/"' in buyer
    requester = clients["requester"].get("/").content.decode()
    assert "/purchasing/" not in requester and 'href="/markets/"' not in requester
    assert 'href="/catalogue/import/"' not in clients["expert"].get("/").content.decode()


def test_the_order_lines_take_the_whole_width_and_an_unset_warranty_reads_as_none(
    buying, clients, tenant
):
    """At 1280 px the twelve columns of the order lines were cut in two thirds of the page
    (trial of issue 16): they now follow the details and the actions, across the page."""
    with tenant_context(tenant):
        item = on_market(buying)
    page = clients["buyer"].get(f"/purchasing/requests/{item.pk}/").content.decode()
    aside = page.index('<div class="col-lg-4">')
    lines = page.index("data-lines>")
    assert aside < page.index("</div>\n</div>", aside) < lines  # the row is closed before them
    assert page.count('<div class="col-lg-8">') == 1
    row = page[page.index("data-lines>") : page.index("</tbody>", lines)]
    assert "<td>\u2014</td><td>oui</td>" in row  # no warranty typed: a dash, not 0
