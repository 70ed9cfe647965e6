"""The list-page framework, through the inventory page: filters, sort, columns, views, export."""

from datetime import datetime
from io import BytesIO

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from tenants.inventory.models import Device
from tenants.tables import services
from tenants.tables.models import ExportJob, SavedView, TablePreference
from tests.conftest import client_for, host_of

PAGE = "/inventory/"


def numbers(response) -> list[str]:
    """Inventory numbers in the order the page shows them."""
    import re

    return re.findall(r">(A-00\d)<", response.content.decode())


def headers(response) -> list[str]:
    import re

    return re.findall(r'<th[^>]*data-column="([a-z_]+)"', response.content.decode())


def test_filters_live_in_the_url(client, devices):
    response = client.get(PAGE, {"status": "retired"})
    assert numbers(response) == ["A-002", "A-004"]
    assert numbers(client.get(PAGE, {"q": "philips mp50"})) == ["A-004"]
    assert numbers(client.get(PAGE, {"uf": "1101"})) == ["A-001", "A-004"]
    assert numbers(client.get(PAGE, {"commissioned_from": "01/01/2015"})) == ["A-001", "A-002"]


def test_an_invalid_filter_is_shown_not_a_500(client, devices):
    response = client.get(PAGE, {"commissioned_from": "32/13/2015", "status": "nope"})
    assert response.status_code == 200
    assert numbers(response) == [] and "invalid-feedback" in response.content.decode()


def test_any_column_sorts_both_ways(client, devices, tenant):
    # PostgreSQL puts empty values first in a descending sort.
    assert numbers(client.get(PAGE, {"sort": "-purchase_value"})) == [
        "A-003",
        "A-002",
        "A-001",
        "A-004",
    ]
    # A-001 and A-004 share their UF; ties keep the rows' creation order, even once A-001
    # was updated (PostgreSQL then stores it after A-004 and would return it later).
    with tenant_context(tenant):
        Device.objects.filter(inventory_number="A-001").update(serial_number="SN-A-001b")
    assert numbers(client.get(PAGE, {"sort": "uf_code"}))[:2] == ["A-001", "A-004"]
    assert numbers(client.get(PAGE, {"sort": "-uf_code"}))[-2:] == ["A-001", "A-004"]
    # Which of equal rows PostgreSQL returns first depends on its plan: only an ORDER BY
    # that ends with the key makes the order certain (a run once put A-004 first).
    with CaptureQueriesContext(connection) as queries:
        client.get(PAGE, {"sort": "uf_code"})
    listed = [q["sql"] for q in queries.captured_queries if "LIMIT 4" in q["sql"]]
    assert listed and all(sql.endswith('"inventory_device"."id" ASC LIMIT 4') for sql in listed)
    assert numbers(client.get(PAGE, {"sort": "not_a_column"})) == [
        "A-001",
        "A-002",
        "A-003",
        "A-004",
    ]


def test_the_last_view_comes_back_on_reload_and_reset_forgets_it(client, devices):
    client.get(PAGE, {"status": "retired", "sort": "-inventory_number", "page": "1"})
    back = client.get(PAGE)
    assert (
        back.status_code == 302
        and back["Location"] == f"{PAGE}?status=retired&sort=-inventory_number"
    )
    assert numbers(client.get(back["Location"])) == ["A-004", "A-002"]
    assert client.get(PAGE, {"reset": "1"})["Location"] == PAGE
    assert client.get(PAGE).status_code == 200


def test_chosen_columns_and_their_order_are_kept_per_person(client, devices, tenant, make_user):
    response = client.post(
        "/lists/inventory.devices/columns/",
        {"columns": ["serial_number", "inventory_number", "end_of_support"], "next": PAGE},
    )
    assert response.status_code == 302
    assert headers(client.get(PAGE)) == ["serial_number", "inventory_number", "end_of_support"]
    other = client_for(host_of(tenant), make_user(tenant), tenant)
    assert headers(other.get(PAGE))[:2] == ["inventory_number", "uf_code"]  # defaults


def test_columns_that_no_longer_exist_are_ignored(client, devices, person, tenant):
    with tenant_context(tenant):
        TablePreference.objects.create(
            user=person,
            page="inventory.devices",
            columns=["renamed_long_ago", "model_name"],
            widths={"renamed_long_ago": 90, "model_name": 240},
        )
    response = client.get(PAGE)
    assert response.status_code == 200
    assert headers(response) == ["model_name"]
    assert 'data-column="model_name" style="width: 240px; min-width: 240px"' in (
        response.content.decode()
    )


def test_widths_are_saved_and_nonsense_is_dropped(client, devices, person, tenant):
    url = "/lists/inventory.devices/widths/"
    ok = client.post(url, {"model_name": 180, "ghost": 100, "status": 99999}, "application/json")
    assert ok.status_code == 204
    assert client.post(url, "not json", "application/json").status_code == 400
    assert client.post(url, "[1, 2]", "application/json").status_code == 400
    with tenant_context(tenant):
        assert TablePreference.objects.get(user=person).widths == {"model_name": 180}


def test_a_shared_view_is_offered_to_everyone_but_only_its_owner_deletes_it(
    client, devices, tenant, make_user
):
    client.post("/lists/inventory.devices/columns/", {"columns": ["inventory_number", "status"]})
    saved = client.post(
        "/lists/inventory.devices/views/",
        {"name": "Réformés", "query": "status=retired&page=3", "is_shared": "1"},
    )
    assert saved.status_code == 302
    with tenant_context(tenant):
        view = SavedView.objects.get(name="Réformés")
    assert (view.query, view.columns) == ("status=retired", ["inventory_number", "status"])
    colleague = client_for(host_of(tenant), make_user(tenant), tenant)
    assert "Réformés" in colleague.get(PAGE).content.decode()
    opened = colleague.get(f"/lists/views/{view.pk}/")
    assert opened["Location"] == f"{PAGE}?status=retired"
    assert headers(colleague.get(opened["Location"])) == ["inventory_number", "status"]
    assert colleague.post(f"/lists/views/{view.pk}/delete/").status_code == 403
    assert client.post(f"/lists/views/{view.pk}/delete/").status_code == 302


def test_a_view_without_a_name_is_refused_on_the_list_page_in_french(client, devices, tenant):
    refused = client.post(
        "/lists/inventory.devices/views/",
        {"name": " ", "query": "status=retired", "next": f"{PAGE}?status=retired"},
        follow=True,
    )
    assert refused.redirect_chain[-1][0] == f"{PAGE}?status=retired"  # the list, as it was
    body = refused.content.decode()
    assert "La vue n\u2019a pas été enregistrée\u00a0: donnez un nom à la vue" in body
    assert "give the view a name" not in body
    with tenant_context(tenant):
        assert not SavedView.objects.exists()


def test_a_private_view_is_not_offered_to_others(client, devices, tenant, make_user):
    client.post("/lists/inventory.devices/views/", {"name": "Mine", "query": "status=retired"})
    with tenant_context(tenant):
        view = SavedView.objects.get(name="Mine")
    colleague = client_for(host_of(tenant), make_user(tenant), tenant)
    assert "Mine" not in colleague.get(PAGE).content.decode()
    assert colleague.get(f"/lists/views/{view.pk}/").status_code == 404


def test_the_export_is_what_the_screen_shows_with_typed_cells(client, devices):
    client.post(
        "/lists/inventory.devices/columns/",
        {"columns": ["inventory_number", "commissioning_date", "purchase_value", "status"]},
    )
    response = client.get(
        PAGE,
        {"status": "retired", "sort": "-inventory_number", "export": "xlsx"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows == [
        ("Inventory number", "Commissioning date", "Purchase value", "Status"),
        ("A-004", datetime(2011, 12, 1), 1200.1, "retired"),
        ("A-002", datetime(2019, 6, 30), 38000, "retired"),
    ]
    assert sheet["B2"].number_format == "DD/MM/YYYY"
    assert "€" in sheet["C2"].number_format


def test_text_that_looks_like_a_formula_is_exported_as_text(client, devices, tenant):
    with tenant_context(tenant):
        Device.objects.filter(inventory_number="A-001").update(model_name='=HYPERLINK("x")')
    response = client.get(PAGE, {"q": "A-001", "export": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    column = [c.value.lower() for c in sheet[1]].index("model") + 1
    cell = sheet.cell(row=2, column=column)
    assert (cell.value, cell.data_type) == ('=HYPERLINK("x")', "s")


def test_a_large_export_runs_as_a_job(
    client, devices, tenant, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "INLINE_EXPORT_ROWS", 1)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.get(PAGE, {"status": "retired", "export": "xlsx"})
    assert response.status_code == 302 and len(queued) == 1
    with tenant_context(tenant):
        job = ExportJob.objects.get()
        assert job.query == "status=retired"
        page = client.get(response["Location"])
        assert "spinner" in page.content.decode()
        services.run_export(job.pk)  # what the worker does (tested with a real one elsewhere)
    done = client.get(response["Location"])
    assert "Download" in done.content.decode() or "Télécharger" in done.content.decode()
    download = client.get(f"/lists/exports/{job.pk}/download/")
    sheet = load_workbook(BytesIO(b"".join(download.streaming_content))).active
    assert sheet.max_row == 3  # header and the two retired devices


def test_someone_else_cannot_fetch_my_export(client, devices, tenant, make_user):
    with tenant_context(tenant):
        job = ExportJob.objects.create(page="inventory.devices", created_by=make_user(tenant))
    assert client.get(f"/lists/exports/{job.pk}/").status_code == 404
    assert client.get(f"/lists/exports/{job.pk}/download/").status_code == 404


def test_htmx_gets_only_the_results(client, devices):
    response = client.get(
        PAGE, {"status": "retired"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="list-results"
    )
    body = response.content.decode()
    assert "<html" not in body and numbers(response) == ["A-002", "A-004"]


def refresh(client, **query: str):  # type: ignore[no-untyped-def]
    """The results as htmx asks for them when a filter changes."""
    import lxml.html

    response = client.get(PAGE, query, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="list-results")
    return lxml.html.fragment_fromstring(response.content.decode(), create_parent="div")


def test_an_invalid_filter_is_announced_by_the_refreshed_results(client, devices):
    # The summary comes with the results (an alert, heard when htmx puts it in), and the
    # filter's message replaces the one beside its control, out of band.
    page = refresh(client, commissioned_from="32/13/2015")
    (summary,) = page.xpath("//*[@data-error-summary][@role='alert']")
    assert summary.xpath(".//a[@href='#id_commissioned_from']")
    (messages,) = page.xpath("//*[@id='id_commissioned_from_messages']")
    assert messages.get("hx-swap-oob") == "true"
    assert messages.xpath(".//*[@id='id_commissioned_from_error']")
    # Once corrected, the refresh empties it: no message nor alert left over.
    page = refresh(client, commissioned_from="01/01/2015")
    assert not page.xpath("//*[@data-error-summary]")
    (messages,) = page.xpath("//*[@id='id_commissioned_from_messages']")
    assert messages.get("hx-swap-oob") == "true" and not messages.text_content().strip()


def test_the_full_page_draws_the_filter_messages_where_a_refresh_replaces_them(client, devices):
    import lxml.html

    body = client.get(PAGE, {"commissioned_from": "32/13/2015"}).content.decode()
    page = lxml.html.fromstring(body)
    (messages,) = page.xpath("//form[@id='list-filters']//*[@id='id_commissioned_from_messages']")
    assert messages.get("hx-swap-oob") is None and messages.xpath(".//*[@data-field]")
    assert page.xpath("//*[@id='list-results']//*[@data-error-summary]")


def test_the_table_is_named_by_the_list_title_also_in_htmx_results(client, devices):
    caption = '<caption class="visually-hidden">Parc</caption>'
    assert caption in client.get(PAGE).content.decode()
    refreshed = client.get(PAGE, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="list-results")
    assert caption in refreshed.content.decode()


def test_the_list_page_query_count_does_not_grow_with_rows(
    client, devices, tenant, django_assert_max_num_queries
):
    client.post(
        "/lists/inventory.devices/columns/",
        {
            "columns": [
                "inventory_number",
                "uf_name",
                "service",
                "pole",
                "establishment",
                "reference_model",
                "end_of_support",
            ]
        },
    )
    with django_assert_max_num_queries(14):
        assert client.get(PAGE).status_code == 200


def test_every_filter_gets_bootstrap_small_controls(client, devices):
    body = client.get(PAGE).content.decode()
    assert '<select name="status" class="form-select form-select-sm"' in body
    assert '<input type="search" name="q" class="form-control form-control-sm"' in body
    assert 'name="commissioned_from" class="form-control form-control-sm"' in body
    assert 'placeholder="jj/mm/aaaa"' in body


def test_search_words_beyond_the_limit_are_ignored(client, devices):
    from tenants.tables.filters import MAX_SEARCH_WORDS

    typed = " ".join(["philips"] * MAX_SEARCH_WORDS + ["matches-nothing"])
    assert numbers(client.get(PAGE, {"q": typed})) == ["A-001", "A-004"]


def test_a_search_word_of_digits_python_cannot_read_is_no_number(tenant):
    from tenants.plan.filters import PlanLineFilter
    from tenants.plan.models import PlanLine

    with tenant_context(tenant):
        found = PlanLineFilter({"q": "²"}, queryset=PlanLine.objects.all())
        assert list(found.qs) == []
