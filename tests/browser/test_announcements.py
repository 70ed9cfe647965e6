"""What a screen reader is told as a list page changes in place (issue 14, WCAG 4.1.2 and
4.1.3): suggestions counted in a status region, a filter's error announced with the refreshed
results and never left stale, a column's edge named and valued apart from its header."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_list_pages import sign_in

pytestmark = pytest.mark.slow


def test_suggestions_are_counted_aloud_and_a_late_answer_does_not_reopen_them(
    page, live_server_port, inventory
):
    base = f"http://alpha.localhost:{live_server_port}"
    sign_in(page, base, "/inventory/")
    field = page.locator("#id_uf")
    # suggest.js made the plain text field a combobox, with a status region beside it.
    assert field.get_attribute("role") == "combobox"
    assert field.get_attribute("aria-expanded") == "false"
    listbox = page.locator(f"#{field.get_attribute('aria-controls')}")
    assert listbox.get_attribute("role") == "listbox"
    status = page.locator(".suggest", has=field).locator("[role=status]")
    field.press_sequentially("110", delay=30)
    page.locator("[data-suggestion='1102']").wait_for()
    page.wait_for_function(
        "() => document.querySelector('#id_uf').closest('.suggest')"
        ".querySelector('[role=status]').textContent === '2 suggestions'"
    )
    assert field.get_attribute("aria-expanded") == "true"

    # Enter chooses the second one; an answer still on its way comes after the choice.
    field.press("ArrowDown")
    field.press("ArrowDown")
    with page.expect_response(re.compile(r"uf=1102")):
        field.press("Enter")
    assert field.input_value() == "1102"
    with page.expect_response(re.compile(r"/suggest/uf/")):
        page.evaluate(
            """id => htmx.ajax("GET", "/suggest/uf/?field=uf&uf=110",
                               {target: "#" + id, swap: "innerHTML"})""",
            listbox.get_attribute("id"),
        )
    page.wait_for_timeout(300)  # the swap, had it been let through
    assert listbox.locator("[data-suggestion]").count() == 0
    assert field.get_attribute("aria-expanded") == "false"
    assert status.text_content() == ""


def test_an_invalid_filter_is_announced_with_the_results_and_cleared_with_them(
    page, live_server_port, inventory
):
    base = f"http://alpha.localhost:{live_server_port}"
    sign_in(page, base, "/inventory/")
    date = page.locator("#id_commissioned_from")
    date.fill("32/13/2015")
    date.press("Tab")  # a change: htmx refreshes the results
    page.locator("#list-results [data-error-summary][role=alert]").wait_for()
    page.wait_for_function(
        "() => document.querySelector('#id_commissioned_from').ariaInvalid === 'true'"
    )
    described = date.get_attribute("aria-describedby").split()
    assert "id_commissioned_from_error" in described
    assert page.locator("#id_commissioned_from_error").inner_text().strip()

    date.fill("01/01/2015")
    date.press("Tab")
    page.wait_for_function(
        "() => !document.querySelector('#id_commissioned_from').hasAttribute('aria-invalid')"
    )
    assert page.locator("[data-error-summary]").count() == 0
    assert page.locator("#id_commissioned_from_error").count() == 0
    assert "id_commissioned_from_error" not in (date.get_attribute("aria-describedby") or "")


def test_a_columns_edge_says_its_width_and_leaves_the_headers_name_alone(
    page, live_server_port, inventory
):
    base = f"http://alpha.localhost:{live_server_port}"
    sign_in(page, base, "/inventory/")
    handle = page.locator("th[data-column=purchase_value] [role=separator]")
    assert handle.get_attribute("aria-valuemin") == "40"
    assert int(handle.get_attribute("aria-valuemax")) > int(handle.get_attribute("aria-valuenow"))
    assert handle.get_attribute("aria-valuetext") == f"{handle.get_attribute('aria-valuenow')} px"
    handle.focus()
    handle.press("ArrowRight")
    assert handle.get_attribute("aria-valuetext") == f"{handle.get_attribute('aria-valuenow')} px"
    # Chrome's accessibility tree: the header is named by its title alone; the separator by
    # its own label.
    header = page.get_by_role("columnheader", name="Valeur d\u2019achat", exact=True)
    assert header.count() == 1
    separator = page.get_by_role("separator", name="Largeur de la colonne Valeur d\u2019achat")
    assert separator.count() == 1
    # The same in the tree Chrome gives screen readers.
    nodes = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")["nodes"]
    headers = [
        node["name"]["value"]
        for node in nodes
        if node.get("role", {}).get("value") == "columnheader" and "name" in node
    ]
    assert "Valeur d\u2019achat" in headers
    assert not [name for name in headers if "Largeur" in name]
