"""The curators' journal: every change of the reference server, who made it, from where, what."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from saas.audit.history import event_model_of
from shared_reference.fhir import parse_codesystem
from shared_reference.models import (
    Contribution,
    DeviceModel,
    Manufacturer,
    NomenclatureTerm,
    Subscriber,
    SubscriberAPIKey,
)
from shared_reference.selectors_journal import KINDS, PER_PAGE
from shared_reference.services import import_codesystem, publish_release
from tests.conftest import client_for
from tests.shared_reference.test_curation_pages import TREE

JOURNAL = "/reference/journal/"
TERM_FORM = {
    "label_fr": "Ventilation réanimation",
    "label_en": "VENTILATION",
    "status": "active",
    "replacement_code": "",
    "valid_from": "",
    "valid_until": "",
}


class Rows(HTMLParser):
    """The journal's table as lists of cell texts, with each row's links."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []
        self.in_table = self.in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and ("data-journal", None) in attrs:
            self.in_table = True
        elif self.in_table and tag == "tr":
            self.rows.append({"cells": [], "links": []})
        elif self.in_table and tag == "td":
            self.rows[-1]["cells"].append("")
            self.in_cell = True
        elif self.in_cell and tag == "a":
            self.rows[-1]["links"].append(dict(attrs)["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.in_table = False
        elif tag == "td":
            self.in_cell = False

    def handle_data(self, data: str) -> None:
        if self.in_cell:
            self.rows[-1]["cells"][-1] += data


def rows_of(response: Any) -> list[dict[str, Any]]:
    parser = Rows()
    parser.feed(response.content.decode())
    rows = [r for r in parser.rows if len(r["cells"]) == 5]
    for row in rows:
        row["cells"] = [re.sub(r"\s+", " ", cell).strip() for cell in row["cells"]]
        row["when"], row["who"], row["source"], row["entity"], row["what"] = row["cells"]
    return rows


@pytest.fixture
def world(db, make_user):
    import_codesystem(parse_codesystem(TREE))
    model = DeviceModel.objects.create(
        manufacturer=Manufacturer.objects.create(name="Dräger"), commercial_name="Evita V500"
    )
    publish_release(notes="v1", by="curator@ref.test")
    hospital = Subscriber.objects.create(name="CH Compiègne")
    _, secret = SubscriberAPIKey.objects.create_key(name="k", subscriber=hospital)
    user = make_user(None, email="curator@ref.test")
    user.groups.add(Group.objects.get(name="curators"))
    return {
        "curator": client_for("localhost", user),
        "curator_user": user,
        "api": Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Api-Key {secret}"),
        "hospital": hospital,
        "model": model,
        "term": NomenclatureTerm.objects.get(code="Z1203"),
    }


@pytest.fixture
def changed(world):
    """A curator edits a term and a model on their pages; a hospital proposes through the API."""
    curator = world["curator"]
    term, model = world["term"], world["model"]
    assert curator.post(f"/reference/terms/{term.uuid}/", TERM_FORM).status_code == 302
    response = curator.post(
        f"/reference/device-models/{model.uuid}/",
        {
            "commercial_name": "Evita V500",
            "catalogue_reference": "",
            "end_of_sale": "2029-06-30",
            "end_of_support": "2031-12-31",
            "end_of_support_source": "Courrier Dräger",
            "expected_life_years": "",
            "status": "active",
        },
    )
    assert response.status_code == 302
    proposed = world["api"].post(
        "/api/reference/v1/contributions/",
        {
            "kind": "correction",
            "target": str(model.uuid),
            "proposal": {"end_of_support": "2032-06-30"},
            "source": "Notice du fabricant",
        },
        content_type="application/json",
    )
    assert proposed.status_code == 201
    return world


def row_about(rows: list[dict[str, Any]], text: str) -> dict[str, Any]:
    found = [row for row in rows if text in row["entity"]]
    assert found, (text, [row["entity"] for row in rows])
    return found[0]


def test_the_journal_says_who_changed_what_from_where(changed):
    response = changed["curator"].get(JOURNAL)
    assert response.status_code == 200
    rows = rows_of(response)

    term = row_about(rows, "Z1203")
    assert term["entity"].startswith("Terme de nomenclature")
    assert (term["who"], term["source"]) == ("curator@ref.test", "la page")
    assert term["what"].startswith("Modification")
    assert "Libellé français : — → Ventilation réanimation" in term["what"]
    assert term["links"] == [f"/reference/terms/{changed['term'].uuid}/"]
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", term["when"])

    model = row_about(rows, "Dräger Evita V500")
    assert model["entity"].startswith("Modèle de dispositif")
    assert (model["who"], model["source"]) == ("curator@ref.test", "la page")
    assert "Fin de support : — → 31/12/2031" in model["what"]
    assert "Source des dates : — → Courrier Dräger" in model["what"]
    assert model["links"] == [f"/reference/device-models/{changed['model'].uuid}/"]

    contribution = row_about(rows, "CH Compiègne")
    assert contribution["entity"].startswith("Contribution")
    assert (contribution["who"], contribution["source"]) == ("CH Compiègne", "l\u2019API")
    assert "Création" in contribution["what"] and "Notice du fabricant" in contribution["what"]
    assert contribution["links"] == [f"/reference/contributions/{Contribution.objects.get().pk}/"]
    # Nothing says "dirty" or a field's name.
    body = response.content.decode()
    assert "dirty" not in body.lower() and "end_of_support" not in body


def test_publishing_a_release_adds_the_release_not_a_row_per_entity(changed):
    before = Counter(row["entity"] for row in rows_of(changed["curator"].get(JOURNAL)))
    assert changed["curator"].post("/reference/", {"notes": "v2"}).status_code == 302
    after = rows_of(changed["curator"].get(JOURNAL))
    added = Counter(row["entity"] for row in after) - before
    assert set(added) == {"Version Version 2"}  # created, then its counts set
    assert all(
        row["links"] == ["/reference/releases/2/"] for row in after if "Version 2" in row["entity"]
    )


def test_newest_first(changed):
    # One test runs in one transaction, where every change has the same time: spread them.
    for offset, model in enumerate((NomenclatureTerm, DeviceModel, Contribution)):
        events = event_model_of(model)
        assert events is not None
        events.objects.update(pgh_created_at=timezone.now() - datetime.timedelta(hours=offset))
    rows = rows_of(changed["curator"].get(JOURNAL))
    order = ["Terme", "Modèle", "Contribution"]
    kinds = [k for k in (row["entity"].split(" ")[0] for row in rows) if k in order]
    assert kinds == sorted(kinds, key=order.index) and len(set(kinds)) == 3
    assert rows[0]["when"] == timezone.localtime().strftime("%d/%m/%Y %H:%M")


def test_each_filter_narrows_the_list(changed):
    curator, user = changed["curator"], changed["curator_user"]

    def entities(**params: Any) -> list[str]:
        response = curator.get(JOURNAL, params)
        assert response.status_code == 200, response.content.decode()
        return [row["entity"] for row in rows_of(response)]

    everything = entities()
    models = entities(kind="device_model")
    assert models and all(e.startswith("Modèle de dispositif") for e in models)
    assert len(models) < len(everything)

    by_curator = rows_of(curator.get(JOURNAL, {"who": f"user:{user.pk}"}))
    assert {row["who"] for row in by_curator} == {"curator@ref.test"}
    assert len(by_curator) == 2  # the term and the model
    by_hospital = entities(who=f"subscriber:{changed['hospital'].pk}")
    assert len(by_hospital) == 1 and by_hospital[0].startswith("Contribution")

    # Every word, any case, any accent, in the entity's name.
    assert [e for e in entities(text="VENTILATION reanimation")] == [
        e for e in everything if "Z1203" in e and "réanimation" in e
    ]
    # A model is found by its manufacturer's name too.
    assert {e.split(" ")[0] for e in entities(text="drager")} == {"Modèle", "Fabricant"}
    assert entities(text="nothing like this") == []

    # Dates, as the day they fall on in France.
    contribution_events = event_model_of(Contribution)
    assert contribution_events is not None
    contribution_events.objects.update(
        pgh_created_at=datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)
    )  # 02/03/2026 00:30 in Paris
    on_the_day = entities(start="02/03/2026", end="02/03/2026")
    assert len(on_the_day) == 1 and on_the_day[0].startswith("Contribution")
    assert entities(end="01/03/2026") == []
    assert len(entities(start="03/03/2026")) == len(everything) - 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"text": "x" * 5000}, "text"),
        ({"who": "user:" + "9" * 5000}, "who"),
        ({"who": "user:99999999999999999999"}, "who"),
        ({"kind": "tenant"}, "kind"),
        ({"start": "31/02/2026"}, "start"),
        ({"start": "2026-02-01"}, "start"),  # dd/mm/yyyy only
        ({"end": "01/01/99999"}, "end"),
        ({"start": "02/03/2026", "end": "01/03/2026"}, "end"),
    ],
    ids=lambda value: str(value)[:40] if isinstance(value, dict) else value,
)
def test_a_bad_filter_value_shows_its_error_and_no_rows(changed, params, field):
    response = changed["curator"].get(JOURNAL, params)
    assert response.status_code == 400
    body = response.content.decode()
    assert f'id="id_{field}"' in body
    input_tag = re.search(rf'<(?:input|select)[^>]*id="id_{field}"[^>]*>', body)
    assert input_tag is not None and "is-invalid" in input_tag.group(0)
    assert "invalid-feedback" in body and "data-journal>" not in body


@pytest.mark.parametrize("page", ["9" * 5000, "99999999999999999999", "-1", "x", "²٣", "1.5"])
def test_any_page_number_shows_a_page(changed, page):
    assert changed["curator"].get(JOURNAL, {"page": page}).status_code == 200


@pytest.mark.parametrize("name", ["text", "who", "start", "kind", "page"])
def test_a_nul_byte_in_any_parameter_is_refused_by_name(changed, name):
    response = changed["curator"].get(JOURNAL, {name: "a\x00b"})
    assert response.status_code == 400 and name in response.content.decode()


def test_only_curators_see_the_journal(world, make_user, public_client):
    anonymous = public_client.get(JOURNAL)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    someone = client_for("localhost", make_user(None))
    assert someone.get(JOURNAL).status_code == 403
    assert "curator@ref.test" not in someone.get(JOURNAL).content.decode()


def test_the_reference_menu_links_the_journal(world):
    body = world["curator"].get("/reference/").content.decode()
    assert f'href="{JOURNAL}"' in body and "Journal des modifications" in body


def test_fifty_changes_a_page_in_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    for number in range(PER_PAGE + 10):
        Manufacturer.objects.create(name=f"Fabricant {number:02}")
    with django_assert_max_num_queries(30):
        first = world["curator"].get(JOURNAL, {"kind": "manufacturer"})
    rows = rows_of(first)
    assert len(rows) == PER_PAGE
    assert "Page 1 sur 2" in first.content.decode()
    second = rows_of(world["curator"].get(JOURNAL, {"kind": "manufacturer", "page": 2}))
    assert len(second) == 10 + 1  # and Dräger
    names = [r["entity"] for r in rows + second]
    assert len(set(names)) == len(names)


def test_a_deleted_entity_keeps_its_rows_without_a_link(world):
    model = world["model"]
    uuid = model.uuid
    model.delete()
    rows = [r for r in rows_of(world["curator"].get(JOURNAL)) if "Evita" in r["entity"]]
    assert rows[0]["what"].startswith("Suppression")
    assert all(f"/reference/device-models/{uuid}/" not in r["links"] for r in rows)


def test_commands_are_named_as_such(world, capsys):
    call_command("create_subscriber", "Installation sur site")
    row = row_about(rows_of(world["curator"].get(JOURNAL)), "Installation sur site")
    assert (row["who"], row["source"]) == ("commande", "une commande")


def test_a_change_is_shown_from_the_value_before_it_even_on_another_page(world):
    term = world["term"]
    for label in ("Un", "Deux"):
        assert (
            world["curator"]
            .post(f"/reference/terms/{term.uuid}/", {**TERM_FORM, "label_fr": label})
            .status_code
            == 302
        )
    events = event_model_of(NomenclatureTerm)
    assert events is not None
    # The first edit is older than anything else: it falls on no page of today's journal.
    first = events.objects.filter(pgh_obj_id=term.pk, label_fr="Un").get()
    first.pgh_created_at = timezone.now() - datetime.timedelta(days=400)
    first.save()
    today = timezone.localdate().strftime("%d/%m/%Y")
    rows = rows_of(world["curator"].get(JOURNAL, {"start": today, "kind": "nomenclature_term"}))
    latest = row_about(rows, "Deux")
    assert "Libellé français : Un → Deux" in latest["what"]


def test_the_contribution_page_shows_its_history(changed):
    contribution = Contribution.objects.get()
    body = changed["curator"].get(f"/reference/contributions/{contribution.pk}/").content
    history = body.decode().split('id="history"')[1]
    assert "CH Compiègne" in history and "API" in history and "Notice du fabricant" in history


def test_the_journal_knows_every_tracked_model_of_the_reference_server():
    tracked = {
        model
        for model in apps.get_app_config("shared_reference").get_models()
        if event_model_of(model) is not None
    }
    assert tracked == {kind.model for kind in KINDS.values()}


def test_a_proposal_reads_as_fields_not_json(changed):
    row = row_about(rows_of(changed["curator"].get(JOURNAL)), "CH Compiègne")
    assert "Fin de support : 30/06/2032" in row["what"]
    assert "{" not in row["what"] and "end_of_support" not in row["what"]
