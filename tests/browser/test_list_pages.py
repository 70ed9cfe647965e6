"""A list page as a person uses it in chromium: filter, sort, columns, widths, reload, export."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook

from tests.conftest import PASSWORD

pytestmark = pytest.mark.slow


def sign_in(page, base: str, path: str) -> None:
    page.goto(f"{base}{path}")
    page.get_by_label("Adresse e-mail").fill("lea@browser.test")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(re.escape(f"{base}{path}")))


def shown_numbers(page) -> list[str]:
    return page.locator("table.list-table tbody tr td:first-child").all_inner_texts()


def column_names(page) -> list[str]:
    return page.locator("table.list-table th[data-column]").evaluate_all(
        "ths => ths.map(th => th.dataset.column)"
    )


def test_filter_sort_choose_columns_resize_reload_and_export(
    page, live_server_port, inventory, tmp_path
):
    base = f"http://alpha.localhost:{live_server_port}"
    sign_in(page, base, "/inventory/")
    assert len(shown_numbers(page)) == 30

    # Filter: choosing a status refreshes the results and the URL keeps it.
    page.locator("select[name=status]").select_option("retired")
    page.wait_for_url(re.compile(r"status=retired"))
    assert len(shown_numbers(page)) == 6

    # A UF chosen among the suggestions narrows further.
    page.locator("input[name=uf]").press_sequentially("110", delay=30)
    page.locator("[data-suggestion='1102']").click()
    page.wait_for_url(re.compile(r"uf=1102"))
    assert shown_numbers(page) == ["B-010", "B-025"]

    # Sort by purchase value, descending (two clicks on the header).
    header = page.locator("th[data-column=purchase_value] a")
    header.click()
    page.wait_for_url(re.compile(r"sort=purchase_value"))
    page.locator("th[data-column=purchase_value] a").click()
    page.wait_for_url(re.compile(r"sort=-purchase_value"))
    assert shown_numbers(page) == ["B-025", "B-010"]

    # Columns: show the serial number, move it first, hide the status.
    page.locator(".list-toolbar .dropdown-toggle").nth(1).click()
    chooser = page.locator(".column-chooser")
    chooser.locator("#col-serial_number").check()
    chooser.locator("#col-status").uncheck()
    for _ in range(20):
        chooser.locator("li[data-column=serial_number] [data-move=up]").click()
    with page.expect_navigation():
        chooser.get_by_role("button").last.click()
    names = column_names(page)
    assert names[0] == "serial_number" and "status" not in names

    # Widen the model column by dragging its edge.
    th = page.locator("th[data-column=model_name]")
    box = th.bounding_box()
    handle = th.locator(".col-resize")
    with page.expect_response(re.compile(r"/widths/$")):
        handle.hover()
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] + 120, box["y"] + 5, steps=5)
        page.mouse.up()

    # Reload the bare address: the same filters, sort, columns and width come back.
    page.goto(f"{base}/inventory/")
    page.wait_for_url(re.compile(r"status=retired"))
    assert "uf=1102" in page.url and "sort=-purchase_value" in page.url
    assert column_names(page) == names
    assert shown_numbers(page) == ["SN0025", "SN0010"]  # serial number comes first
    width = page.locator("th[data-column=model_name]").evaluate("th => th.style.width")
    assert int(width.removesuffix("px")) >= int(box["width"]) + 100

    # Export: the XLSX holds what the screen shows, in its order, with typed cells.
    with page.expect_download() as download_info:
        page.locator("[data-role=export]").click()
    path = tmp_path / "export.xlsx"
    download_info.value.save_as(path)
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["SN0025", "SN0010"]
    value_column = [c.value for c in sheet[1]].index("Valeur d\u2019achat")
    assert [r[value_column] for r in rows[1:]] == [3500, 2000]

    # A row's link opens its page as a page: sorting and paging swap the results in place,
    # a row's own page is not swapped into the list.
    page.locator("table.list-table tbody tr a").first.click()
    page.wait_for_url(lambda url: "?" not in url)
    page.wait_for_load_state()
    assert page.locator("h1").count() == 1
    assert not page.locator("#list-results").count()


def test_a_column_set_is_chosen_with_the_keyboard_and_coloured_rows_pass_axe(
    browser, live_server_port, chain_in_alpha
):
    """The commission member starts from the arbitration set, takes the archived one with the
    keyboard alone; a critical request's row is coloured, marked and explained, the footer
    sums the costs, and axe-core finds nothing to say (contrast of the coloured row included).
    """
    from django_tenants.utils import tenant_context

    from saas.tenancy.models import Tenant
    from tenants.requests import workflow
    from tenants.requests.models import EquipmentRequest
    from tenants.requests.tables import ARBITRATE, ARCHIVED
    from tests.browser.accessibility import axe_violations, describe
    from tests.browser.test_keyboard import sign_in_with_keys, tab_to

    chain = chain_in_alpha
    with tenant_context(Tenant.objects.get(schema_name="t_alpha")):
        workflow.submit(chain["request"], by=chain["users"]["requester"])
        EquipmentRequest.objects.filter(pk=chain["request"].pk).update(priority=1)
    base = f"http://alpha.localhost:{live_server_port}"
    page = sign_in_with_keys(browser, base, chain["users"]["commission"].email, "/requests/")
    assert column_names(page) == list(ARBITRATE.columns)

    row = page.locator("table.list-table tbody tr").first
    assert "table-danger" in row.get_attribute("class")
    assert row.locator("td").first.locator(".visually-hidden").text_content() == (
        " (Priorité 1\u00a0: critique)"
    )
    assert "Priorité 1\u00a0: critique" in page.locator("[data-role=legend]").inner_text()
    footer = page.locator("table.list-table tfoot")
    assert "Total (1 ligne)" in footer.inner_text()
    assert "30\u202f000,00\u00a0€" in footer.inner_text()
    violations = axe_violations(page)
    assert not violations, describe(violations, "/requests/")

    tab_to(page, "select#column-set")
    for _ in range(8):
        if page.locator("select#column-set").input_value() == "archived":
            break
        page.keyboard.press("ArrowDown")
    tab_to(page, "[data-role=column-sets] button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert column_names(page) == list(ARCHIVED.columns)
    assert page.locator("select#column-set").input_value() == "archived"
    page.context.close()
