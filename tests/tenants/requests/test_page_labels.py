"""The action forms of a request's page and the commission's session for a screen reader
(issue 14, RGAA 11): every control has a name of its own, and a refusal marks the control at
fault and is read as its description."""

from __future__ import annotations

import lxml.html
import pytest
from django_tenants.utils import tenant_context

from tenants.requests import workflow
from tenants.requests.models import EquipmentRequest
from tenants.requests.services import PartInput, save_draft
from tests.tenants.requests import test_pages

session = test_pages.session  # three requests waiting for the commission


def unlabelled(page: lxml.html.HtmlElement, scope: str) -> list[str]:
    """The names of the controls under ``scope`` (an XPath) that have no label of their own: a
    placeholder is not one."""
    missing = []
    for control in page.xpath(f"{scope}//*[self::input or self::select or self::textarea]"):
        if control.get("type") == "hidden":
            continue
        if control.get("aria-label") or control.get("aria-labelledby"):
            continue
        own = control.get("id") and page.xpath(f'//label[@for="{control.get("id")}"]')
        if not own and not control.xpath("ancestor::label"):
            missing.append(control.get("name"))
    return missing


def page_of(client, pk: int) -> lxml.html.HtmlElement:  # type: ignore[no-untyped-def]
    response = client.get(f"/requests/{pk}/")
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


@pytest.fixture
def two_parts(tenant, chain):  # type: ignore[no-untyped-def]
    """A request of two parts, dispatched to the biomedical experts."""
    u = chain["users"]
    with tenant_context(tenant):
        request = save_draft(
            by=u["requester"],
            campaign=chain["campaign"],
            uf=chain["rea"],
            title="Échographe",
            parts=[PartInput("investment", 1, "30000"), PartInput("maintenance", 1, "900")],
        )
        request = workflow.submit(request, by=u["requester"])
        return request


def test_every_control_of_every_action_form_has_a_label(tenant, chain, web, two_parts):
    u = chain["users"]
    pk = two_parts.pk
    forms = "//form[@data-action]"
    seen = set()
    for who, advance in (
        ("pole_head", lambda r: workflow.give_pole_opinion(r, by=u["pole_head"], favourable=True)),
        (
            "dispatcher",
            lambda r: workflow.dispatch(r, by=u["dispatcher"], domain=chain["biomedical"]),
        ),
        ("expert", lambda r: workflow.give_expert_opinion(r, by=u["expert"], favourable=True)),
        ("manager", lambda r: workflow.validate(r, by=u["manager"])),
        ("commission", None),
    ):
        page = page_of(web[who], pk)
        assert unlabelled(page, forms) == [], who
        seen |= {form.get("data-action") for form in page.xpath(forms)}
        if advance is not None:
            with tenant_context(tenant):
                advance(EquipmentRequest.objects.get(pk=pk))
    assert {"pole_opinion", "dispatch", "expertise", "management", "arbitration"} <= seen


def test_the_expert_gives_an_opinion_per_part_in_a_group_named_for_the_part(
    tenant, chain, web, two_parts
):
    u = chain["users"]
    with tenant_context(tenant):
        request = workflow.give_pole_opinion(two_parts, by=u["pole_head"], favourable=True)
        workflow.dispatch(request, by=u["dispatcher"], domain=chain["biomedical"])
    page = page_of(web["expert"], two_parts.pk)
    (form,) = page.xpath('//form[@data-action="expertise"]')
    legends = [" ".join(legend.text_content().split()) for legend in form.xpath(".//legend")]
    # The opinion's radios in a group named by its legend (RGAA 11.5), then one per part.
    assert legends[0] == "Analyse de l\u2019expert"
    assert form.xpath(".//fieldset[1]//input[@type='radio']")
    assert [legend.split(" — ")[0] for legend in legends[1:]] == ["Investissement", "Maintenance"]
    assert unlabelled(page, '//form[@data-action="expertise"]') == []


def test_the_carry_over_campaign_has_a_label(tenant, chain, web, session):
    breathing = session[0]
    test_pages.defer_to_a_later_campaign(tenant, chain, breathing)
    page = page_of(web["requester"], breathing.pk)
    assert page.xpath('//form[@data-action="carry_over"]//select[@name="campaign"]')
    assert unlabelled(page, '//form[@data-action="carry_over"]') == []
    refused = web["requester"].post(
        f"/requests/{breathing.pk}/act/", {"action": "carry_over", "campaign": "0"}
    )
    assert refused.status_code == 400
    select = lxml.html.fromstring(refused.content.decode()).xpath('//select[@name="campaign"]')[0]
    assert select.get("aria-invalid") == "true" and select.get("aria-describedby") == "refusal"


def refused_page(response) -> lxml.html.HtmlElement:  # type: ignore[no-untyped-def]
    assert response.status_code == 400
    page = lxml.html.fromstring(response.content.decode())
    assert page.get_element_by_id("refusal").get("role") == "alert"
    return page


def invalid_controls(page: lxml.html.HtmlElement) -> dict[str, str]:
    """The invalid controls of the action forms: name -> the text that describes them."""
    found = {}
    for control in page.xpath('//form[@data-action]//*[@aria-invalid="true"]'):
        ids = control.get("aria-describedby", "").split()
        found[control.get("name")] = " ".join(
            page.get_element_by_id(i).text_content().strip() for i in ids
        )
    return found


def test_a_refused_opinion_marks_its_reason_invalid_and_described_by_the_refusal(
    tenant, chain, web
):
    request = chain["request"]
    with tenant_context(tenant):
        request = workflow.submit(request, by=chain["users"]["requester"])
    page = refused_page(
        web["pole_head"].post(
            f"/requests/{request.pk}/act/",
            {"action": "pole_opinion", "favourable": "0", "version": request.version},
        )
    )
    invalid = invalid_controls(page)
    assert list(invalid) == ["reason"]
    assert "indiquez pourquoi l\u2019avis est défavorable" in invalid["reason"]
    # The reason of the refused form, not the one of another form of the page.
    (reason,) = page.xpath('//*[@aria-invalid="true"]')
    assert reason.xpath('ancestor::form[@data-action="pole_opinion"]')


def test_a_refused_decision_marks_the_field_at_fault_only(tenant, chain, web, session):
    request = session[0]
    url = f"/requests/{request.pk}/act/"
    common = {"action": "arbitration", "version": request.version}
    unchosen = refused_page(web["commission"].post(url, {**common, "granted_amount": "100"}))
    assert list(invalid_controls(unchosen)) == ["decision"]
    no_amount = refused_page(
        web["commission"].post(url, {**common, "decision": "granted", "granted_amount": ""})
    )
    assert list(invalid_controls(no_amount)) == ["granted_amount"]
    no_reason = refused_page(web["commission"].post(url, {**common, "decision": "refused"}))
    assert list(invalid_controls(no_reason)) == ["reason"]


def test_a_refused_dispatch_marks_the_domain(tenant, chain, web):
    request = chain["request"]
    with tenant_context(tenant):
        request = workflow.submit(request, by=chain["users"]["requester"])
        request = workflow.give_pole_opinion(
            request, by=chain["users"]["pole_head"], favourable=True
        )
    page = refused_page(
        web["dispatcher"].post(
            f"/requests/{request.pk}/act/",
            {"action": "dispatch", "domain": "", "version": request.version},
        )
    )
    assert list(invalid_controls(page)) == ["domain"]


# The commission's session -------------------------------------------------------------------


def accessible_name(page: lxml.html.HtmlElement, control: lxml.html.HtmlElement) -> str:
    ids = control.get("aria-labelledby", "").split()
    return " ".join(" ".join(page.get_element_by_id(i).text_content().split()) for i in ids)


def test_each_rows_controls_have_names_of_their_own(tenant, chain, web, session):
    url = f"/campaigns/{chain['campaign'].pk}/arbitration/"
    page = lxml.html.fromstring(web["commission"].get(url).content.decode())
    assert unlabelled(page, "//form[@data-arbitration]") == []
    names = []
    for request in session:
        for prefix, column in (("decision", "Décision"), ("amount", "Accordé"), ("reason", "")):
            (control,) = page.xpath(f'//*[@name="{prefix}-{request.pk}"]')
            name = accessible_name(page, control)
            assert name.startswith(f"{request.reference} — {request.title}") and column in name
            names.append(name)
    assert len(set(names)) == len(names)


def test_a_refused_row_marks_its_faulty_control_and_the_summary_leads_to_it(
    tenant, chain, web, session
):
    url = f"/campaigns/{chain['campaign'].pk}/arbitration/"
    _, pumps, bed = session
    refused = web["commission"].post(
        url,
        {
            f"decision-{pumps.pk}": "granted",
            f"amount-{pumps.pk}": "abc",
            f"version-{pumps.pk}": str(pumps.version),
            f"decision-{bed.pk}": "deferred",
            f"version-{bed.pk}": str(bed.version),
        },
    )
    assert refused.status_code == 400
    page = lxml.html.fromstring(refused.content.decode())
    invalid = {c.get("name") for c in page.xpath('//*[@aria-invalid="true"]')}
    assert invalid == {f"amount-{pumps.pk}", f"reason-{bed.pk}"}
    # Drawn in red as well, like every other form's faulty field.
    outlined = {c.get("name") for c in page.xpath('//*[contains(@class, "is-invalid")]')}
    assert outlined == invalid
    links = [a.get("href") for a in page.xpath("//*[@data-error-summary]//a[@data-error-link]")]
    assert sorted(links) == sorted([f"#amount-{pumps.pk}", f"#reason-{bed.pk}"])
    for href in links:
        control = page.get_element_by_id(href[1:])
        assert control.get("aria-describedby", "").startswith("problem-")
