"""The product with the keyboard alone (issue 14, RGAA 12 and 7): no click anywhere in these
tests, only Tab, Shift+Tab, Enter, Space, arrows, Escape and typing; every stop shows where
the focus is; a form sent back with errors announces them and takes the focus to them; a row
changed in place says what was done, or why not, where a screen reader hears it."""

from __future__ import annotations

import re

import pytest
from django_tenants.utils import tenant_context

from saas.tenancy.models import Tenant
from tenants.mirror.models import ReferenceTerm, SyncState
from tenants.plan import services as plan_services
from tenants.plan.models import LineStep, PlanLine, StepDefinition
from tenants.requests.models import EquipmentRequest
from tests.browser.test_list_pages import column_names, shown_numbers
from tests.conftest import PASSWORD, server_password_hash
from tests.tenants.inventory.factories import catalogue
from tests.tenants.plan.conftest import grant

pytestmark = pytest.mark.slow

# The focused element, as the tests name it: its id, else its name, else its text.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return "";
  return e.id ? "#" + e.id : e.getAttribute("name") ? "[name=" + e.getAttribute("name") + "]"
    : e.tagName.toLowerCase() + ":" + (e.innerText || e.value || "").trim().slice(0, 40);
}"""

# Whether the focused element is drawn differently from the same element unfocused: an
# unfocused twin (a shallow clone) is measured beside it.
FOCUS_SHOWN = """() => {
  const e = document.activeElement;
  const twin = e.cloneNode(false);
  twin.removeAttribute("id");
  twin.removeAttribute("autofocus");
  e.after(twin);
  const on = getComputedStyle(e), off = getComputedStyle(twin);
  const drawn = (s) => [s.outlineStyle === "none" ? "" : s.outlineStyle + s.outlineWidth
    + s.outlineColor, s.boxShadow, s.backgroundColor, s.borderColor].join("|");
  const result = {on: drawn(on), off: drawn(off),
    ring: (on.outlineStyle !== "none" && parseFloat(on.outlineWidth) >= 2)
      || on.boxShadow !== "none"};
  twin.remove();
  return result;
}"""


def focused(page) -> str:  # type: ignore[no-untyped-def]
    return page.evaluate(FOCUSED)


def assert_focus_shown(page) -> None:  # type: ignore[no-untyped-def]
    drawn = page.evaluate(FOCUS_SHOWN)
    assert drawn["ring"] and drawn["on"] != drawn["off"], (focused(page), drawn)


def tab_to(page, selector: str, *, key: str = "Tab", limit: int = 80) -> list[str]:  # type: ignore[no-untyped-def]
    """Press ``key`` until the element ``selector`` has the focus; every stop on the way shows
    its focus. Returns the stops, in order."""
    stops: list[str] = []
    for _ in range(limit):
        page.keyboard.press(key)
        stops.append(focused(page))
        assert stops[-1], f"the focus left the page after {stops}"
        assert_focus_shown(page)
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return stops
    raise AssertionError(f"{selector} not reached with {key}: {stops}")


def sign_in_with_keys(browser, base: str, email: str, path: str = "/"):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="fr-FR", viewport={"width": 1300, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/accounts/login/?next={path}")
    assert focused(page) == "#id_username"  # the sign-in page starts in its first field
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}{path}")
    return page


def open_suggestions(page, typed: str) -> int:  # type: ignore[no-untyped-def]
    """Type in the focused suggestion field; the number of suggestions that come."""
    field = page.locator(":focus")
    page.keyboard.type(typed, delay=30)
    expect_expanded(page, "true")
    return page.locator(f"#{field.get_attribute('aria-controls')} [data-suggestion]").count()


def expect_expanded(page, value: str) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function(
        "v => document.activeElement.getAttribute('aria-expanded') === v", arg=value
    )


def active_option(page) -> str:  # type: ignore[no-untyped-def]
    """The suggestion the focused combobox points at, checked to be the one marked selected."""
    return page.evaluate(
        """() => {
          const id = document.activeElement.getAttribute("aria-activedescendant");
          const option = id && document.getElementById(id);
          if (!option) return "";
          const owner = document.activeElement.getAttribute("aria-controls");
          const list = document.getElementById(owner);
          if (!list.contains(option) || option.getAttribute("aria-selected") !== "true") return "?";
          return option.dataset.suggestion;
        }"""
    )


def rows_shown(page, count: int) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function(
        "n => document.querySelectorAll('table.list-table tbody tr').length === n", arg=count
    )


def test_the_menus_open_with_space_and_their_items_are_reached_with_the_arrows(
    browser, live_server_port, chain_in_alpha
):
    base = f"http://alpha.localhost:{live_server_port}"
    admin = chain_in_alpha["admin"]
    alpha = Tenant.objects.get(schema_name="t_alpha")
    # The web server checks passwords with the product's hasher: given for this test only.
    with tenant_context(alpha):
        before = admin.password
        admin.password = server_password_hash()
        admin.save(update_fields=["password"])
    try:
        walk_the_admin_menu(browser, base, admin.email)
    finally:
        with tenant_context(alpha):
            admin.password = before
            admin.save(update_fields=["password"])


def walk_the_admin_menu(browser, base: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page = sign_in_with_keys(browser, base, email)
    tab_to(page, "[data-admin-menu] .dropdown-toggle")
    page.keyboard.press("Space")  # a button: Space opens it as Enter does
    page.locator("[data-admin-menu] .dropdown-menu.show").wait_for()
    page.keyboard.press("ArrowDown")
    assert page.locator(":focus").inner_text() == "Utilisateurs et rôles"
    assert_focus_shown(page)
    page.keyboard.press("Escape")
    assert page.locator(":focus").inner_text() == "Administration"
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{base}/administration/users/"


# The request form ------------------------------------------------------------------------------


@pytest.fixture
def references(chain_in_alpha):  # type: ignore[no-untyped-def]
    alpha = Tenant.objects.get(schema_name="t_alpha")
    with tenant_context(alpha):
        models = catalogue()
        # Unlinked from the reference server, the catalogue is searched in the tenant's mirror.
        state = SyncState.current()
        key = state.api_key_encrypted
        SyncState.objects.filter(pk=state.pk).update(api_key_encrypted="")
        terms = [
            ReferenceTerm.objects.create(system="emdn", code=code, label_fr=label, uuid=uid)
            for code, label, uid in (
                (
                    "Z12030101",
                    "Respirateurs de réanimation",
                    "0b9f2c4e-5d1a-4c3b-9e8f-7a6b5c4d3e01",
                ),
                ("Z12030102", "Respirateurs de transport", "0b9f2c4e-5d1a-4c3b-9e8f-7a6b5c4d3e02"),
            )
        ]
    yield models
    with tenant_context(alpha):
        SyncState.objects.filter(pk=state.pk).update(api_key_encrypted=key)
        EquipmentRequest.objects.filter(campaign=chain_in_alpha["campaign"]).update(
            reference_model=None
        )
        for term in terms:
            term.delete()
        for model in models.values():
            maker = model.manufacturer
            model.delete()
            if not maker.models.exists():
                maker.delete()


def test_the_request_form_is_filled_and_sent_with_the_keyboard_alone(
    browser, live_server_port, chain_in_alpha, references
):
    base = f"http://alpha.localhost:{live_server_port}"
    campaign = chain_in_alpha["campaign"]
    new = f"/campaigns/{campaign.pk}/requests/new/"
    page = sign_in_with_keys(browser, base, chain_in_alpha["users"]["requester"].email, new)

    # From the top of the page: the menu first, then the form's first field.
    stops = tab_to(page, "#id_uf")
    assert stops[0].startswith("a:") and len(stops) > 2

    # UF: the suggestions open as one types; arrows walk them, Enter picks without sending.
    assert open_suggestions(page, "11") >= 1
    page.keyboard.press("ArrowDown")
    assert active_option(page) == "1101"
    page.keyboard.press("Enter")
    expect_expanded(page, "false")
    assert page.locator("#id_uf").input_value() == "1101"
    assert page.url == f"{base}{new}"  # Enter chose; it did not send the form

    # The next fields come in the order they are read.
    assert tab_to(page, "#id_title", limit=1) == ["#id_title"]
    page.keyboard.type("Respirateur de transport")
    assert tab_to(page, "#id_argument", limit=1) == ["#id_argument"]
    page.keyboard.type("Le SMUR n'en a qu'un.")
    assert tab_to(page, "#id_priority", limit=1) == ["#id_priority"]

    # Nomenclature: two suggestions; the arrows go round; Escape closes without choosing.
    assert tab_to(page, "#id_nomenclature_code", limit=1) == ["#id_nomenclature_code"]
    assert open_suggestions(page, "respirateurs") == 2
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert active_option(page) == "Z12030102"
    page.keyboard.press("ArrowDown")
    assert active_option(page) == "Z12030101"
    page.keyboard.press("ArrowUp")
    assert active_option(page) == "Z12030102"
    page.keyboard.press("Escape")
    expect_expanded(page, "false")
    assert page.locator("#id_nomenclature_code").input_value() == "respirateurs"
    page.keyboard.type(" transport")
    expect_expanded(page, "true")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.locator("#id_nomenclature_code").input_value() == "Z12030102"

    # Reference model: the label is shown, the hidden field gets the model.
    assert tab_to(page, "#id_reference_model", limit=1) == ["#id_reference_model"]
    assert open_suggestions(page, "MX450") == 1
    page.keyboard.press("ArrowUp")  # from the field, up goes to the last suggestion
    page.keyboard.press("Enter")
    assert page.locator("#id_reference_model").input_value() == "Philips IntelliVue MX450"
    mx450 = str(references["mx450"].uuid)
    assert page.locator("input[name=reference_model]").input_value() == mx450

    # The parts: kind (left as it is), description, quantity, price; then the next row.
    assert tab_to(page, "#id_parts-0-quantity", limit=4)[-3:] == [
        "#id_parts-0-kind",
        "#id_parts-0-description",
        "#id_parts-0-quantity",
    ]
    page.keyboard.type("2")
    page.keyboard.press("Tab")
    page.keyboard.type("18 000")
    assert tab_to(page, "#id_parts-1-kind", limit=2) == ["#id_parts-0-DELETE", "#id_parts-1-kind"]

    # Shift+Tab goes back the same way.
    assert tab_to(page, "#id_parts-0-unit_price", key="Shift+Tab", limit=2)[-1] == (
        "#id_parts-0-unit_price"
    )

    # The button sends the form: Enter on it.
    stops = tab_to(page, "form[data-request-form] button.btn-primary")
    assert "#id_parts-1-kind" in stops
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"{re.escape(base)}/requests/\d+/$"))
    with tenant_context(Tenant.objects.get(schema_name="t_alpha")):
        saved = EquipmentRequest.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[-1]))
        assert (saved.uf.code, saved.title, saved.nomenclature_code) == (
            "1101",
            "Respirateur de transport",
            "Z12030102",
        )
        assert str(saved.reference_model.uuid) == mx450
        assert [(p.quantity, p.unit_price) for p in saved.parts.all()] == [(2, 18000)]


def test_a_form_sent_back_announces_its_errors_and_takes_the_focus_to_them(
    browser, live_server_port, chain_in_alpha
):
    base = f"http://alpha.localhost:{live_server_port}"
    new = f"/campaigns/{chain_in_alpha['campaign'].pk}/requests/new/"
    page = sign_in_with_keys(browser, base, chain_in_alpha["users"]["requester"].email, new)
    tab_to(page, "#id_uf")
    page.keyboard.type("9999")  # no such UF; the title is left empty
    tab_to(page, "#id_parts-0-quantity")
    page.keyboard.type("0")
    tab_to(page, "form[data-request-form] button.btn-primary")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-error-summary]")

    # The summary is an alert, and it has the focus.
    summary = page.locator("[data-error-summary]")
    assert summary.get_attribute("role") == "alert"
    page.wait_for_function("() => document.activeElement.matches('[data-error-summary]')")
    assert "4\u00a0erreurs" in summary.inner_text()  # UF, title, quantity, price

    # Each field says it is invalid, and what it is described by is its message.
    for control, message in (
        ("#id_uf", "aucune UF n\u2019a ce code"),
        ("#id_title", "Ce champ est obligatoire"),
        ("#id_parts-0-quantity", "Quantité"),
    ):
        assert page.locator(control).get_attribute("aria-invalid") == "true"
        description = page.locator(control).evaluate(
            """e => e.getAttribute("aria-describedby").split(" ")
                 .map(id => document.getElementById(id).innerText).join(" ")"""
        )
        assert message in description, (control, description)

    # Tab goes from the summary to its links; Enter on one takes the focus to its field.
    assert tab_to(page, "a[data-error-link]", limit=1)
    link = page.locator(":focus")
    assert link.inner_text().startswith("UF")
    page.keyboard.press("Tab")
    assert page.locator(":focus").inner_text().startswith("Titre")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'id_title'")
    assert_focus_shown(page)
    page.keyboard.type("Pousse-seringues")


# The list pages ---------------------------------------------------------------------------------


def test_a_list_is_filtered_sorted_and_its_columns_chosen_with_the_keyboard_alone(
    browser, live_server_port, inventory
):
    base = f"http://alpha.localhost:{live_server_port}"
    page = sign_in_with_keys(browser, base, "lea@browser.test", "/inventory/")
    assert len(shown_numbers(page)) == 30

    # A filter with suggestions: the second one is chosen, and the list follows.
    tab_to(page, "input[name=uf]")
    assert open_suggestions(page, "110") == 2
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert active_option(page) == "1102"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"uf=1102"))
    assert len(shown_numbers(page)) == 10
    # The new number of rows is said where a screen reader hears it (a status message).
    status = page.locator("[data-list-status]")
    assert status.get_attribute("role") == "status"
    page.wait_for_function("() => document.querySelector('[data-list-status]').textContent")
    assert status.text_content() == "10 lignes"

    # A drop-down filter: the arrows change it, the list follows.
    tab_to(page, "select[name=status]")
    for _ in range(6):
        if page.locator("select[name=status]").input_value() == "retired":
            break
        page.keyboard.press("ArrowDown")
    page.wait_for_url(re.compile(r"status=retired"))
    rows_shown(page, 2)
    assert shown_numbers(page) == ["B-010", "B-025"]
    assert focused(page) == "#id_status"  # the refreshed list left the focus where it was

    # A typed search is applied with the Filter button.
    tab_to(page, "input[name=q]", key="Shift+Tab")
    page.keyboard.type("B-025")
    stops = tab_to(page, "#list-filters button")
    assert stops[:2] == ["#id_establishment", "#id_uf"]
    # (Leaving the field had already sent it: wait for the answer to this Enter.)
    page.locator("#list-results table").evaluate("table => table.dataset.before = '1'")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => !document.querySelector('#list-results table[data-before], .htmx-request')"
    )
    assert "q=B-025" in page.url
    rows_shown(page, 1)

    # The column chooser: its button opens it, Tab walks into it, Space ticks, the arrows'
    # buttons move a column (the focus stays on them), Apply sends it.
    tab_to(page, ".dropdown-toggle:has(+ .column-chooser)")
    page.keyboard.press("Enter")
    chooser = page.locator(".column-chooser")
    chooser.wait_for(state="visible")
    tab_to(page, "#col-serial_number")
    page.keyboard.press("Space")
    assert chooser.locator("#col-serial_number").is_checked()
    page.keyboard.press("Tab")
    assert page.locator(":focus").get_attribute("data-move") == "up"
    for _ in range(20):
        page.keyboard.press("Enter")
    assert page.locator(":focus").get_attribute("data-move") == "up"
    assert chooser.locator("li").first.get_attribute("data-column") == "serial_number"
    tab_to(page, "#col-status", key="Tab")
    page.keyboard.press("Space")
    tab_to(page, ".column-chooser > button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    names = column_names(page)
    assert names[0] == "serial_number" and "status" not in names

    # Escape closes a menu and gives the focus back to its button.
    tab_to(page, ".dropdown-toggle:has(+ .dropdown-menu [name=name])")
    page.keyboard.press("Enter")
    page.locator(".list-toolbar .dropdown-menu.show").wait_for()
    tab_to(page, "input[name=name]")
    page.keyboard.press("Escape")
    page.locator(".list-toolbar .dropdown-menu.show").wait_for(state="detached")
    assert page.locator(":focus").inner_text() == "Vues"

    # Sorting: the column's header is a link; the new results keep the focus on it, so that
    # Enter again reverses the order.
    tab_to(page, "th[data-column=purchase_value] a")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"sort=purchase_value"))
    page.wait_for_function("() => document.activeElement.matches('th[data-column] a')")
    assert_focus_shown(page)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"sort=-purchase_value"))

    # The column's edge comes next: the arrows widen it, and the width is saved.
    th = page.locator("th[data-column=purchase_value]")
    before = th.bounding_box()["width"]
    page.wait_for_function("() => document.activeElement.matches('th[data-column] a')")
    assert tab_to(page, "th[data-column=purchase_value] .col-resize", limit=1)
    with page.expect_response(re.compile(r"/widths/$")):
        for _ in range(5):
            page.keyboard.press("ArrowRight")
    assert th.bounding_box()["width"] >= before + 60
    assert "Largeur de la colonne Valeur" in page.locator(":focus").get_attribute("aria-label")


# The commission's session -----------------------------------------------------------------------


def test_the_commission_records_its_decisions_with_the_keyboard_alone(
    browser, live_server_port, chain_in_alpha, waiting
):
    base = f"http://alpha.localhost:{live_server_port}"
    breathing, pumps, bed = waiting
    path = f"/campaigns/{chain_in_alpha['campaign'].pk}/arbitration/"
    page = sign_in_with_keys(browser, base, chain_in_alpha["users"]["commission"].email, path)

    # Every row, in the page's order: the request's link, then its decision (chosen with the
    # arrows), its amount and its reason.
    typed = {
        breathing.pk: ("granted", "", ""),
        pumps.pk: ("granted", "huit mille", ""),  # not an amount: the session is refused
        bed.pk: ("deferred", "", "L'an prochain"),
    }
    rows = page.locator("tr[data-row]").evaluate_all("rows => rows.map(r => +r.dataset.row)")
    assert sorted(rows) == sorted(typed)
    for pk in rows:
        decision, amount, reason = typed[pk]
        stops = tab_to(page, f"select[name=decision-{pk}]")
        assert stops[-2] == f"#title-{pk}"  # the request's link
        select = page.locator(f"select[name=decision-{pk}]")
        for _ in range(4):
            if select.input_value() == decision:
                break
            page.keyboard.press("ArrowDown")
        assert select.input_value() == decision
        assert tab_to(page, f"[name=reason-{pk}]", limit=2) == [
            f"#amount-{pk}",
            f"#reason-{pk}",
        ]
        if amount:
            page.keyboard.press("Shift+Tab")
            page.keyboard.press("Control+a")
            page.keyboard.type(amount)
            page.keyboard.press("Tab")
        page.keyboard.type(reason)
    tab_to(page, "form[data-arbitration] button.btn-primary")
    page.keyboard.press("Enter")

    # Refused: the summary has the focus, its link leads to the faulty row's amount, the one
    # control marked invalid.
    page.wait_for_selector("[data-error-summary]")
    page.wait_for_function("() => document.activeElement.matches('[data-error-summary]')")
    amount = page.locator(f"[name=amount-{pumps.pk}]")
    assert amount.get_attribute("aria-invalid") == "true"
    assert page.locator(f"[name=decision-{pumps.pk}]").get_attribute("aria-invalid") is None
    problem = page.locator(f"#{amount.get_attribute('aria-describedby')}").inner_text()
    assert "Montant accordé" in problem
    tab_to(page, "a[data-error-link]", limit=1)
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => document.activeElement.name === 'amount-{pumps.pk}'")
    page.keyboard.press("Control+a")
    page.keyboard.type("8 000")
    tab_to(page, "form[data-arbitration] button.btn-primary")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("[data-error-summary]").count() == 0
    with tenant_context(Tenant.objects.get(schema_name="t_alpha")):
        states = {
            r.pk: (r.state, r.granted_amount)
            for r in EquipmentRequest.objects.filter(pk__in=[breathing.pk, pumps.pk, bed.pk])
        }
    assert states[pumps.pk] == ("granted", 8000)
    assert states[bed.pk][0] == "deferred"


# A row changed in place (the plan's lines a person manages) ------------------------------------


def test_a_row_is_changed_in_place_with_the_keyboard_alone_and_a_refusal_is_announced(
    browser, live_server_port, chain_in_alpha
):
    base = f"http://alpha.localhost:{live_server_port}"
    u = chain_in_alpha["users"]
    alpha = Tenant.objects.get(schema_name="t_alpha")
    with tenant_context(alpha):
        line = grant(chain_in_alpha)
        line = plan_services.assign_manager(line, u["expert"], by=u["dispatcher"])
        need, trials = (
            StepDefinition.objects.get(nature="equipment", code=code) for code in ("need", "trials")
        )
    page = sign_in_with_keys(browser, base, u["expert"].email, "/plan/managed/")
    page.evaluate("window.sameListPage = true")  # gone if the page were loaded again
    status = page.locator("#list-status")
    assert status.get_attribute("role") == "status"
    select, save = f"#row-{line.pk}-status", f"#row-{line.pk}-save"

    # Tab reaches the row's controls after its links, every stop showing its focus.
    stops = tab_to(page, select)
    assert stops[-2].startswith("a:") and line.title in stops[-2]  # the row's title
    assert page.locator(select).input_value() == "done"  # what one usually comes to say
    for _ in range(6):
        if page.locator(select).input_value() == "in_progress":
            break
        page.keyboard.press("ArrowUp")
    assert page.locator(select).input_value() == "in_progress"
    assert tab_to(page, save, limit=1) == [save]
    page.keyboard.press("Enter")

    # Heard in the status region; the row changed in place; the focus stayed on its button.
    page.wait_for_function("() => document.getElementById('list-status').textContent")
    n = "\u00a0"
    assert status.text_content() == (
        f"{line.reference}{n}: étape «{n}Besoin défini{n}» passée à «{n}En cours{n}»"
    )
    assert page.evaluate("window.sameListPage") is True
    assert page.url == f"{base}/plan/managed/"
    assert focused(page) == save
    assert_focus_shown(page)
    with tenant_context(alpha):
        assert LineStep.objects.get(line=line, definition=need).status == "in_progress"
        now = PlanLine.objects.get(pk=line.pk).version
    assert page.locator(f'form[data-step-in-row="{line.pk}"] [name=version]').input_value() == (
        str(now)
    )

    # Someone else moves the line on meanwhile: the change is refused, said, and the select
    # takes the focus, marked invalid and described by why; the row shows the line as it is.
    with tenant_context(alpha):
        plan_services.set_step_status(
            PlanLine.objects.get(pk=line.pk), need, status="done", by=u["expert"]
        )
    page.keyboard.press("Shift+Tab")
    assert focused(page) == select
    page.keyboard.press("ArrowUp")  # blocked
    page.keyboard.press("Tab")
    status.evaluate("region => { region.textContent = '' }")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('list-status').textContent")
    said = status.text_content()
    assert said.startswith(f"{line.reference}{n}: quelqu\u2019un a modifié cette ligne"), said
    page.wait_for_function(f"() => document.activeElement.matches('{select}')")
    assert_focus_shown(page)
    field = page.locator(select)
    assert field.get_attribute("aria-invalid") == "true"
    message = page.locator(f"#{field.get_attribute('aria-describedby')}")
    assert message.inner_text() == said
    assert page.locator(f'form[data-step-in-row="{line.pk}"] [name=step]').input_value() == (
        str(trials.pk)
    )
    assert page.evaluate("window.sameListPage") is True
    with tenant_context(alpha):
        assert LineStep.objects.get(line=line, definition=need).status == "done"

    # Sent again, with the version the row now holds, it goes through.
    page.keyboard.press("Tab")
    status.evaluate("region => { region.textContent = '' }")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('list-status').textContent")
    assert "étape «\u00a0Essais\u00a0»" in status.text_content()
    assert page.locator(select).get_attribute("aria-invalid") is None
