"""Column sets per role, row colours with their legend, and footer sums, through the inventory
page given all three (the framework's own page declares none)."""

from __future__ import annotations

import dataclasses
import re

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from tenants.access.models import Role, ScopeKind
from tenants.access.services import grant_role
from tenants.inventory import views as inventory_views
from tenants.tables.listing import PAGES, ColumnSet, RowColour
from tenants.tables.models import SavedView, TablePreference
from tests.conftest import client_for, host_of
from tests.tenants.tables.test_list_page import PAGE, headers, numbers

SETS_URL = "/lists/inventory.devices/sets/"
# Offered to everyone and nobody's default, though first: a viewer starts from "values".
SERIALS = ColumnSet("serials", "Serials", ("inventory_number", "serial_number"))
VALUES = ColumnSet(
    "values",
    "Values",
    ("inventory_number", "status", "purchase_value"),
    frozenset({Role.VIEWER.value}),
)
FOR_EXPERTS = ColumnSet("experts", "Experts", ("model_name",), frozenset({Role.EXPERT.value}))
RETIRED = RowColour("table-danger", "Retired device", lambda device: device.status == "retired")
EXPERTS_ONLY = RowColour(
    "table-warning",
    "Philips, for experts",
    lambda device: device.manufacturer_name == "Philips",
    frozenset({Role.EXPERT.value}),
)


@pytest.fixture(autouse=True)
def sets_page(monkeypatch, person, devices):  # type: ignore[no-untyped-def]
    """The inventory page with sets, colours and sums, two rows a page."""
    page = dataclasses.replace(
        inventory_views.DEVICES,
        column_sets=(SERIALS, VALUES, FOR_EXPERTS),
        row_colours=(RETIRED, EXPERTS_ONLY),
        footer_sums=True,
        per_page=2,
    )
    monkeypatch.setattr(inventory_views, "DEVICES", page)
    monkeypatch.setitem(PAGES, page.key, page)
    return page


def html(response):  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def test_a_person_starts_from_the_first_set_of_one_of_their_roles(client, tenant, make_user):
    assert headers(client.get(PAGE)) == ["inventory_number", "status", "purchase_value"]
    # Without a role any set is made for: the page's own defaults.
    stranger = client_for(host_of(tenant), make_user(tenant), tenant)
    assert headers(stranger.get(PAGE))[:3] == ["inventory_number", "uf_code", "manufacturer_name"]


def test_columns_of_their_own_win_over_their_roles_set(client):
    client.post("/lists/inventory.devices/columns/", {"columns": ["model_name", "status"]})
    assert headers(client.get(PAGE)) == ["model_name", "status"]


def test_the_chooser_offers_every_set_with_the_current_one_selected(client):
    page = html(client.get(PAGE))
    (select,) = page.xpath("//form[@data-role='column-sets']//select[@name='set']")
    options = [(o.get("value"), o.text, o.get("selected") is not None) for o in select]
    assert options == [
        ("serials", "Serials", False),
        ("values", "Values", True),
        ("experts", "Experts", False),
    ]
    (label,) = page.xpath(f"//label[@for='{select.get('id')}']")
    assert label.text_content().strip() == "Jeu de colonnes"


def test_the_chooser_says_own_choice_when_no_set_matches(client):
    client.post("/lists/inventory.devices/columns/", {"columns": ["model_name", "status"]})
    (select,) = html(client.get(PAGE)).xpath("//select[@name='set']")
    assert select[0].get("value") == "" and select[0].get("selected") is not None


def test_choosing_a_set_replaces_the_columns_and_the_chooser_still_adjusts(client):
    chosen = client.post(SETS_URL, {"set": "serials", "next": f"{PAGE}?status=retired"})
    assert (chosen.status_code, chosen["Location"]) == (302, f"{PAGE}?status=retired")
    assert headers(client.get(PAGE)) == ["inventory_number", "serial_number"]
    client.post(
        "/lists/inventory.devices/columns/",
        {"columns": ["serial_number", "inventory_number", "status"]},
    )
    assert headers(client.get(PAGE)) == ["serial_number", "inventory_number", "status"]


def test_an_unknown_set_is_refused_naming_the_field(client, person, tenant):
    for data in ({"set": "nope"}, {}, {"set": "x" * 5000}):
        refused = client.post(SETS_URL, data)
        assert refused.status_code == 400 and refused.content.decode().startswith("set: ")
    with tenant_context(tenant):
        assert not TablePreference.objects.filter(user=person).exclude(columns=[]).exists()
    assert client.get(SETS_URL).status_code == 405


def test_a_page_without_sets_refuses_any_and_no_page_is_not_found(client):
    refused = client.post("/lists/structure.units/sets/", {"set": "serials"})
    assert refused.status_code == 400 and refused.content.decode().startswith("set: ")
    assert client.post("/lists/no.such.page/sets/", {"set": "serials"}).status_code == 404


def test_a_saved_view_keeps_the_columns_of_the_roles_set(client, tenant):
    client.post("/lists/inventory.devices/views/", {"name": "Valeurs", "query": ""})
    with tenant_context(tenant):
        view = SavedView.objects.get(name="Valeurs")
    assert view.columns == ["inventory_number", "status", "purchase_value"]


def test_coloured_rows_say_why_in_their_first_cell_and_in_the_legend(client):
    page = html(client.get(PAGE, {"sort": "inventory_number"}))
    rows = page.xpath("//table//tbody/tr")
    assert [r.xpath("string(td[1]/a)") for r in rows] == ["A-001", "A-002"]
    first, retired = rows
    assert "table-danger" not in first.get("class") and not first.xpath(".//span")
    assert "table-danger" in retired.get("class")
    (mark,) = retired.xpath("td[1]/span[@class='row-mark']")
    assert mark.get("aria-hidden") == "true"
    (hidden,) = retired.xpath("td[1]/span[@class='visually-hidden']")
    assert hidden.text_content() == " (Retired device)"
    (legend,) = page.xpath("//*[@data-role='legend']")
    entries = [li.text_content().strip() for li in legend.xpath(".//li")]
    assert entries == [f"{mark.text} Retired device"]  # not the colour for experts only
    assert legend.xpath(".//span[contains(@class, 'legend-swatch table-danger')]")


def test_a_colour_for_a_role_is_shown_to_its_holders_first_match_wins(client, person, tenant):
    with tenant_context(tenant):
        grant_role(person, Role.EXPERT, ScopeKind.TENANT, by="test")
    page = html(client.get(PAGE, {"sort": "inventory_number", "page": "2"}))
    classes = [r.get("class") for r in page.xpath("//table//tbody/tr")]
    # A-003 (B. Braun, in service): none; A-004 (Philips, retired): the first colour listed.
    assert "table-" not in classes[0] and "table-danger" in classes[1]
    assert "table-warning" not in classes[1]
    legend = page.xpath("//*[@data-role='legend']//li")
    assert [li.text_content().strip()[2:] for li in legend] == [
        "Retired device",
        "Philips, for experts",
    ]
    page_one = html(client.get(PAGE, {"sort": "inventory_number"}))
    assert "table-warning" in page_one.xpath("//table//tbody/tr")[0].get("class")


def footer(response) -> list[str]:  # type: ignore[no-untyped-def]
    (row,) = html(response).xpath("//table/tfoot/tr")
    return [cell.text_content().strip() for cell in row]


def test_footer_sums_every_filtered_row_not_only_the_page(client):
    response = client.get(PAGE, {"sort": "inventory_number"})
    assert numbers(response) == ["A-001", "A-002"]  # two rows a page, four devices
    # 6 540,50 + 38 000 + (none) + 1 200,10, formatted like the cells.
    assert footer(response) == ["Total (4 lignes)", "", "45\u202f740,60\u00a0€"]
    (header,) = html(response).xpath("//table/tfoot/tr/th")
    assert header.get("scope") == "row"
    retired = client.get(PAGE, {"status": "retired", "page": "1"})
    assert footer(retired) == ["Total (2 lignes)", "", "39\u202f200,10\u00a0€"]


def test_footer_sums_are_one_aggregate_query(client):
    with CaptureQueriesContext(connection) as queries:
        client.get(PAGE, {"status": "retired"})
    sums = [q["sql"] for q in queries.captured_queries if "SUM(" in q["sql"]]
    assert len(sums) == 1 and "LIMIT" not in sums[0]


def test_footer_sums_only_the_visible_money_columns(client):
    client.post("/lists/inventory.devices/columns/", {"columns": ["purchase_value", "status"]})
    # A money column first: the row's header carries its sum.
    assert footer(client.get(PAGE)) == ["Total (4 lignes) 45\u202f740,60\u00a0€", ""]
    client.post("/lists/inventory.devices/columns/", {"columns": ["inventory_number", "status"]})
    assert footer(client.get(PAGE)) == ["Total (4 lignes)", ""]


def test_no_footer_without_rows(client):
    body = client.get(PAGE, {"q": "nothing-matches-this"}).content.decode()
    assert "<tfoot" not in body and 'data-role="legend"' not in body


def test_a_page_without_footer_sums_has_no_footer(client, monkeypatch, sets_page):
    plain = dataclasses.replace(sets_page, footer_sums=False)
    monkeypatch.setattr(inventory_views, "DEVICES", plain)
    assert "<tfoot" not in client.get(PAGE).content.decode()


def test_the_colours_and_sums_keep_the_query_count_flat(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        assert client.get(PAGE).status_code == 200


def test_sums_and_marks_come_with_htmx_results(client):
    response = client.get(
        PAGE, {"status": "retired"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="list-results"
    )
    body = response.content.decode()
    assert "<tfoot" in body and 'class="row-mark"' in body and 'data-role="legend"' in body
    assert re.search(r'<select[^>]*name="set"', body)


def test_choosing_a_set_needs_the_csrf_token(person, tenant):
    from django.test import Client

    from saas.tenancy.context import use_public_schema

    guarded = Client(HTTP_HOST=host_of(tenant), enforce_csrf_checks=True)
    with tenant_context(tenant):
        guarded.force_login(person)
    use_public_schema()
    assert guarded.post(SETS_URL, {"set": "serials"}).status_code == 403
