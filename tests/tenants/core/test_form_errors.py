"""Errors a screen reader announces (issue 14): each invalid field says so and names the
element holding its message; a summary at the top lists every error, linked to its field."""

from __future__ import annotations

import lxml.html
from django import forms
from django.template.loader import render_to_string

from tenants.core.suggest import SuggestInput, SuggestSelect
from tenants.core.templatetags.form_errors import field_target
from tests.conftest import client_for, host_of
from tests.tenants.requests.test_pages import parts_data


def refused_request_form(chain, web):  # type: ignore[no-untyped-def]
    response = web["requester"].post(
        f"/campaigns/{chain['campaign'].pk}/requests/new/",
        {
            "uf": "1101",
            "title": "",
            "priority": "2",
            "reference_model": "",
            "reference_model__label": "Philips MX450",
            **parts_data(("investment", "0", "12")),
        },
    )
    assert response.status_code == 400
    return lxml.html.fromstring(response.content.decode())


def described_by(page, control_id: str) -> str:  # type: ignore[no-untyped-def]
    """The text a screen reader reads as the control's description."""
    control = page.get_element_by_id(control_id)
    ids = control.get("aria-describedby", "").split()
    return " | ".join(page.get_element_by_id(i).text_content().strip() for i in ids)


def test_an_invalid_field_is_marked_and_described_by_its_message(tenant, chain, web):
    page = refused_request_form(chain, web)
    title = page.get_element_by_id("id_title")
    assert title.get("aria-invalid") == "true"
    assert "Ce champ est obligatoire" in described_by(page, "id_title")
    # A field of the parts table, far from its message's row, names it too.
    quantity = page.get_element_by_id("id_parts-0-quantity")
    assert quantity.get("aria-invalid") == "true"
    assert "Quantité" in described_by(page, "id_parts-0-quantity")
    # A valid field is not marked.
    assert page.get_element_by_id("id_uf").get("aria-invalid") is None


def test_a_suggestion_field_reads_its_error_and_its_help(tenant, chain, web):
    page = refused_request_form(chain, web)
    shown = page.get_element_by_id("id_reference_model")
    assert shown.get("type") == "text" and shown.get("aria-invalid") == "true"
    description = described_by(page, "id_reference_model")
    assert "suggestions" in description  # the error: not chosen among the suggestions
    assert "catalogue de référence" in description  # the help text
    # A plain text field until suggest.js makes it a combobox: without JavaScript no list
    # would ever open.
    assert shown.get("role") is None and shown.get("aria-expanded") is None
    holder = shown.getparent()
    (listbox,) = holder.xpath(".//*[contains(@class, 'suggestions')]")
    assert listbox.get("id") == "id_reference_model_suggestions"
    assert holder.get("data-count-one") == "%(count)s suggestion"
    assert holder.get("data-count-other") == "%(count)s suggestions"


def test_the_summary_is_an_alert_listing_every_error_with_a_link_to_its_field(tenant, chain, web):
    page = refused_request_form(chain, web)
    (summary,) = page.xpath("//*[@data-error-summary]")
    assert summary.get("role") == "alert" and summary.get("tabindex") == "-1"
    assert "3\u00a0erreurs\u00a0:" in summary.text_content()
    links = {a.get("href"): a.text_content() for a in summary.xpath(".//a[@data-error-link]")}
    assert set(links) == {"#id_title", "#id_reference_model", "#id_parts-0-quantity"}
    # A part's field is named as the label of its cell names it.
    assert links["#id_parts-0-quantity"].startswith("Quantité, partie 1\u00a0:")
    quantity = page.xpath('//label[@for="id_parts-0-quantity"]')[0].text_content()
    assert links["#id_parts-0-quantity"].startswith(quantity.strip())
    for href in links:
        page.get_element_by_id(href[1:])  # every link leads to a field of the page


def test_a_hand_written_form_marks_its_fields_the_same_way(public_client, db):
    # The sign-up page writes its inputs by hand: they get the same ARIA as Django's.
    response = public_client.post(
        "/signup/",
        {
            "name": "CH de Test",
            "kind": "hospital",
            "finess": "80000",
            "contact_email": "directeur@ch-test.fr",
            "subdomain": "www",
        },
    )
    page = lxml.html.fromstring(response.content.decode())
    assert page.get_element_by_id("id_finess").get("aria-invalid") == "true"
    assert page.get_element_by_id("id_name").get("aria-invalid") is None
    finess = page.xpath('//*[@data-field="finess"]')[0].text_content()
    assert finess in described_by(page, "id_finess")
    # The sub-domain's description reads its help text (Django's order), then its error.
    subdomain = described_by(page, "id_subdomain").split(" | ")
    assert subdomain == [
        page.get_element_by_id("id_subdomain_helptext").text_content(),
        page.xpath('//*[@data-field="subdomain"]')[0].text_content(),
    ]
    (summary,) = page.xpath("//*[@data-error-summary][@role='alert']")
    assert {a.get("href") for a in summary.xpath(".//a")} == {"#id_finess", "#id_subdomain"}


def test_a_refused_sign_in_names_its_message_on_both_fields(tenant, chain):  # type: ignore[no-untyped-def]
    client = client_for(host_of(tenant))
    user = chain["users"]["requester"]
    response = client.post("/accounts/login/", {"username": user.email, "password": "wrong"})
    page = lxml.html.fromstring(response.content.decode())
    (message,) = page.xpath("//*[@data-error-summary][@role='alert']")
    for control in ("id_username", "id_password"):
        assert page.get_element_by_id(control).get("aria-invalid") == "true"
        assert described_by(page, control) == message.text_content()


class Unnamed(forms.Form):
    code = forms.CharField(help_text="Five digits", widget=SuggestInput("uf"))
    scope = forms.ChoiceField(choices=[("a", "A")], widget=SuggestSelect("scope"))
    boxes = forms.MultipleChoiceField(choices=[], widget=forms.CheckboxSelectMultiple)


def test_messages_of_a_form_without_ids_carry_no_id(db):
    form = Unnamed({"code": "", "scope": "", "boxes": []}, auto_id=False)
    assert not form.is_valid()
    html = render_to_string("core/_field_messages.html", {"field": form["code"]})
    assert "invalid-feedback" in html and "id=" not in html
    assert field_target(form["code"]) == ""


def test_suggestion_lists_of_fields_without_ids_have_ids_of_their_own(db):
    form = Unnamed(auto_id=False)
    page = lxml.html.fromstring(f"<div>{form['code']}{form['scope']}</div>")
    ids = [e.get("id") for e in page.xpath("//*[contains(@class, 'suggestions')]")]
    assert len(ids) == 2 and all(ids) and len(set(ids)) == 2


def test_a_group_of_boxes_without_choices_leads_nowhere(db):
    form = Unnamed({"code": "1", "scope": "a"})
    assert field_target(form["boxes"]) == ""
    with_choices = Unnamed({"code": "1", "scope": "a"})
    boxes = with_choices.fields["boxes"]
    assert isinstance(boxes, forms.MultipleChoiceField)
    boxes.choices = [("x", "X")]
    assert field_target(with_choices["boxes"]) == "id_boxes_0"
