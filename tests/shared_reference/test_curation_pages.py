"""Curators browse, search, edit and publish on the public host; nobody else may."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Group

from shared_reference.fhir import parse_codesystem
from shared_reference.models import ChangeLogEntry, NomenclatureTerm, Release
from shared_reference.services import import_codesystem, publish_release
from tests.conftest import client_for, host_of

TREE = json.dumps(
    {
        "resourceType": "CodeSystem",
        "url": "http://example.org/cs/emdn-like",
        "name": "emdn",
        "content": "complete",
        "concept": [
            {
                "code": "Z",
                "display": "EQUIPMENT",
                "concept": [
                    {
                        "code": "Z12",
                        "display": "INSTRUMENTS",
                        "concept": [
                            {"code": "Z1203", "display": "VENTILATION"},
                            {"code": "Z1204", "display": "MONITORING"},
                        ],
                    },
                ],
            },
            {"code": "A", "display": "ADMINISTRATION"},
        ],
    }
)


@pytest.fixture
def nomenclature(db):
    import_codesystem(parse_codesystem(TREE))
    publish_release(notes="v1", by="curator@ref.test")


@pytest.fixture
def curator(make_user):
    user = make_user(None, email="curator@ref.test")
    user.groups.add(Group.objects.get(name="curators"))
    return client_for("localhost", user)


def test_only_curators_reach_the_curation_pages(nomenclature, make_user, public_client):
    assert public_client.get("/reference/").status_code == 302
    someone = client_for("localhost", make_user(None))
    assert someone.get("/reference/").status_code == 403


def test_the_tree_opens_one_level_at_a_time(nomenclature, curator):
    roots = curator.get("/reference/nomenclatures/emdn/").content.decode()
    assert "<code>Z</code>" in roots and "<code>A</code>" in roots and "Z1203" not in roots
    branch = curator.get("/reference/nomenclatures/emdn/?parent=Z12", HTTP_HX_REQUEST="true")
    body = branch.content.decode()
    assert "<code>Z1203</code>" in body and "<html" not in body  # a fragment for htmx


def test_search_finds_by_code_prefix_and_by_label(nomenclature, curator):
    by_code = curator.get("/reference/nomenclatures/emdn/", {"q": "Z120"}).content.decode()
    assert "Z1203" in by_code and "Z1204" in by_code
    by_label = curator.get("/reference/nomenclatures/emdn/", {"q": "monitor"}).content.decode()
    assert "Z1204" in by_label and "Z1203" not in by_label


def test_a_curator_edits_a_term_and_publishes_a_release_of_that_change(nomenclature, curator):
    term = NomenclatureTerm.objects.get(code="Z1203")
    response = curator.post(
        f"/reference/terms/{term.uuid}/",
        {
            "label_fr": "VENTILATION",
            "label_en": "VENTILATION",
            "status": "active",
            "replacement_code": "",
            "valid_from": "",
            "valid_until": "",
        },
    )
    assert response.status_code == 302
    published = curator.post("/reference/", {"notes": "Libellé français"})
    release = Release.objects.get(number=2)
    assert published["Location"] == f"/reference/releases/{release.number}/"
    (change,) = ChangeLogEntry.objects.filter(release=release)
    assert change.payload["label_fr"] == "VENTILATION"
    assert release.published_by == "curator@ref.test"
    history = curator.get(f"/reference/terms/{term.uuid}/").content.decode()
    assert f"/reference/releases/{release.number}/" in history


def test_retiring_with_an_unknown_replacement_names_the_field(nomenclature, curator):
    term = NomenclatureTerm.objects.get(code="Z1203")
    response = curator.post(
        f"/reference/terms/{term.uuid}/",
        {
            "label_en": "VENTILATION",
            "status": "retired",
            "replacement_code": "Z9999",
        },
    )
    assert response.status_code == 400
    assert 'data-field="replacement_code"' in response.content.decode()
    assert not NomenclatureTerm.objects.get(code="Z1203").dirty


def test_publishing_with_nothing_changed_says_so(nomenclature, curator):
    response = curator.post("/reference/", {"notes": "rien"}, follow=True)
    assert Release.objects.count() == 1
    assert "Rien n" in response.content.decode() or "Nothing" in response.content.decode()


def test_curation_pages_do_not_exist_on_tenant_hosts(nomenclature, tenant, make_user):
    client = client_for(host_of(tenant), make_user(tenant), tenant)
    assert client.get("/reference/").status_code == 404


def test_the_review_page_lists_what_the_next_release_will_carry(nomenclature, curator):
    NomenclatureTerm.objects.filter(code="Z1204").update(label_fr="SURVEILLANCE", dirty=True)
    body = curator.get("/reference/pending/").content.decode()
    assert "Z1204" in body and "SURVEILLANCE" in body and "Z1203" not in body


def test_two_releases_compare_field_by_field(nomenclature, curator):
    NomenclatureTerm.objects.filter(code="Z1204").update(label_fr="SURVEILLANCE", dirty=True)
    publish_release(notes="v2", by="c")
    NomenclatureTerm.objects.filter(code="Z1204").update(status="retired", dirty=True)
    publish_release(notes="v3", by="c")
    body = curator.get("/reference/releases/compare/", {"from": 1, "to": 3}).content.decode()
    assert "Z1204" in body and "Libellé (français)" in body and "SURVEILLANCE" in body
    assert "Retiré" in body and "label_fr" not in body  # the field's name, the status' label
    assert "Z1203" not in body  # unchanged since release 1
    only_last = curator.get("/reference/releases/compare/", {"from": 2, "to": 3}).content.decode()
    assert "Libellé (français)" not in only_last and "Retiré" in only_last


def test_comparing_with_nonsense_parameters_is_not_an_error(nomenclature, curator):
    assert curator.get("/reference/releases/compare/", {"from": "x", "to": "y"}).status_code == 200


def test_the_device_model_list_does_not_query_per_model(db, curator, django_assert_max_num_queries):
    from demo.catalogue import load_demo_catalogue
    from tests.shared_reference.test_catalogue_releases import emdn_subset

    import_codesystem(parse_codesystem(emdn_subset()))
    load_demo_catalogue()
    with django_assert_max_num_queries(10):
        body = curator.get("/reference/device-models/").content.decode()
    assert "Evita XL" in body and "Z12030105" in body


def test_a_nul_byte_in_the_tree_or_search_parameters_is_refused_not_an_error(nomenclature, curator):
    assert curator.get("/reference/nomenclatures/emdn/", {"parent": "Z\x00"}).status_code == 400
    assert curator.get("/reference/nomenclatures/emdn/", {"q": "moni\x00tor"}).status_code == 400


def test_a_release_names_a_models_manufacturer_not_its_key(nomenclature, curator):
    from shared_reference.models import DeviceModel, Manufacturer

    maker = Manufacturer.objects.create(name="Dräger")
    model = DeviceModel.objects.create(manufacturer=maker, commercial_name="Evita V500")
    release = publish_release(notes="Evita", by="c")
    body = curator.get(f"/reference/releases/{release.number}/").content.decode()
    assert "Evita V500" in body and "Dräger" in body
    assert str(maker.uuid) not in body
    edit = curator.get(f"/reference/device-models/{model.uuid}/").content.decode()
    assert "Dräger" in edit and str(maker.uuid) not in edit
