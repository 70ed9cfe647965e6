"""Importing the real EMDN and edited copies of it; refusing malformed or foreign files."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from shared_reference.fhir import ImportRefused, parse_codesystem
from shared_reference.models import ChangeLogEntry, NomenclatureTerm, Release, TermStatus
from shared_reference.services import (
    ENTITY_TERM,
    NothingToPublish,
    export_codesystem,
    import_codesystem,
    publish_release,
)

EMDN_PATH = Path(__file__).resolve().parents[2] / "shared_reference/fixtures/CodeSystem-emdn.json"


@pytest.fixture(scope="module")
def emdn() -> dict:
    return json.loads(EMDN_PATH.read_text())


# The real EMDN's categories A and B with everything under them.
SLICE_TERMS = 441


@pytest.fixture(scope="module")
def emdn_slice(emdn) -> dict:  # type: ignore[no-untyped-def]
    """Two categories of the real EMDN, for what a test checks of updates, releases and
    exports: a twentieth of the terms to import and publish. The whole file is loaded (and
    counted) by the first test."""
    part = copy.deepcopy(emdn)
    part["concept"] = [c for c in part["concept"] if c["code"][0] in "AB"]
    part["count"] = SLICE_TERMS
    assert count_concepts(part["concept"]) == SLICE_TERMS
    return part


def count_concepts(concepts: list) -> int:
    return sum(1 + count_concepts(c.get("concept", [])) for c in concepts)


def load(resource: dict):
    return import_codesystem(parse_codesystem(json.dumps(resource)))


def find(concepts: list, code: str) -> tuple[list | None, int]:
    for i, concept in enumerate(concepts):
        if concept["code"] == code:
            return concepts, i
        found = find(concept.get("concept", []), code)
        if found[0] is not None:
            return found
    return None, -1


def test_the_real_emdn_loads_with_parents_derived_from_the_codes(db, emdn):
    report = load(emdn)
    assert report.created == 8453 and report.system.code == "emdn"
    terms = NomenclatureTerm.objects.filter(system=report.system)
    assert terms.count() == 8453
    assert terms.filter(parent=None).count() == 23  # the categories, whatever the file's nesting
    leaf = terms.select_related("parent__parent").get(code="A0101010101")
    assert (leaf.level, leaf.parent.code, leaf.parent.parent.code) == (6, "A01010101", "A010101")
    assert leaf.label_en == "HYPODERMIC SYRINGE NEEDLES, WITH SAFETY SYSTEMS"


def test_a_newer_version_publishes_only_the_differences(db, emdn_slice):
    load(emdn_slice)
    first = publish_release(notes="EMDN", by="curator@ref.test")
    assert first.change_count == SLICE_TERMS + 1  # the system and every term

    edited = copy.deepcopy(emdn_slice)
    siblings, i = find(edited["concept"], "A0101010102")
    siblings[i]["display"] = "HYPODERMIC SYRINGE NEEDLES, WITHOUT SAFETY SYSTEMS"
    siblings, i = find(edited["concept"], "A010104")
    del siblings[i]  # a leaf: retired
    siblings, i = find(edited["concept"], "A01010101")
    siblings[i]["concept"].append(
        {"code": "A0101010103", "display": "HYPODERMIC NEEDLES, NEW KIND"}
    )
    edited["count"] = SLICE_TERMS

    report = load(edited)
    assert (report.created, report.relabelled, report.retired) == (1, 1, 1)
    second = publish_release(notes="EMDN update", by="curator@ref.test")
    changes = {e.payload["code"]: e.payload for e in ChangeLogEntry.objects.filter(release=second)}
    assert set(changes) == {"A0101010102", "A010104", "A0101010103"}
    assert changes["A010104"]["status"] == "retired"
    assert changes["A0101010103"]["parent"] == "A01010101"
    assert second.first_seq > first.last_seq

    with pytest.raises(NothingToPublish):
        publish_release(notes="again", by="curator@ref.test")


def test_a_retired_term_that_comes_back_is_reactivated(db, emdn_slice):
    load(emdn_slice)
    publish_release(notes="v1", by="c")
    without = copy.deepcopy(emdn_slice)
    siblings, i = find(without["concept"], "A010104")
    del siblings[i]
    without["count"] = SLICE_TERMS - 1
    load(without)
    assert NomenclatureTerm.objects.get(code="A010104").status == TermStatus.RETIRED
    assert load(emdn_slice).reactivated == 1
    assert NomenclatureTerm.objects.get(code="A010104").status == TermStatus.ACTIVE


@pytest.mark.parametrize(
    ("mutate", "place"),
    [
        (lambda r: r.update(resourceType="ValueSet"), "resourceType"),
        (lambda r: r.update(content="fragment"), "content"),
        (lambda r: r.update(count=12), "count"),
        (lambda r: r["concept"][1].update(code="A"), "concept[1].code"),  # duplicate
        (lambda r: r["concept"][1].update(display=""), "concept[1].display"),
        (lambda r: r["concept"][0].update(code="a-1"), "concept[0].code"),
        (lambda r: r.pop("url"), "url"),
    ],
)
def test_a_malformed_or_foreign_file_is_refused_with_the_place_and_changes_nothing(
    db, emdn, mutate, place
):
    bad = copy.deepcopy(emdn)
    mutate(bad)
    with pytest.raises(ImportRefused) as refused:
        load(bad)
    assert place in [p.place for p in refused.value.problems], refused.value.problems
    assert not NomenclatureTerm.objects.exists()


def test_a_file_that_is_not_json_names_the_line(db):
    with pytest.raises(ImportRefused) as refused:
        parse_codesystem(b'{"resourceType": "CodeSystem",\n "concept": [}')
    assert refused.value.problems[0].place.startswith("line 2")


def test_the_exported_codesystem_reads_back_the_same(db, emdn_slice):
    load(emdn_slice)
    term = NomenclatureTerm.objects.get(code="A010104")
    term.status, term.replacement_code, term.label_fr = TermStatus.RETIRED, "A010105", "AIGUILLES"
    term.save()
    exported = export_codesystem(term.system)
    assert exported["count"] == SLICE_TERMS and len(exported["concept"]) == 2  # A and B
    again = parse_codesystem(json.dumps(exported), hierarchy="nesting")
    original = parse_codesystem(json.dumps(emdn_slice))
    assert {(t.code, t.parent_code) for t in again.terms} == {
        (t.code, t.parent_code) for t in original.terms
    }
    _, i = find(exported["concept"], "A010104")
    siblings, _ = find(exported["concept"], "A010104")
    assert siblings[i]["property"] == [
        {"code": "status", "valueCode": "retired"},
        {"code": "replacedBy", "valueCode": "A010105"},
    ]
    assert siblings[i]["designation"] == [{"language": "fr", "value": "AIGUILLES"}]


def test_the_fhir_codesystem_is_served_on_the_public_host_only(
    db, emdn_slice, public_client, tenant
):
    from django.test import Client

    from tests.conftest import host_of

    load(emdn_slice)
    response = public_client.get("/reference/nomenclatures/emdn/fhir/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert json.loads(response.content)["count"] == SLICE_TERMS
    assert (
        Client(HTTP_HOST=host_of(tenant)).get("/reference/nomenclatures/emdn/fhir/").status_code
        == 404
    )
    assert public_client.get("/reference/nomenclatures/nope/fhir/").status_code == 404


def test_change_log_sequences_grow_across_releases(db, emdn_slice):
    load(emdn_slice)
    publish_release(notes="v1", by="c")
    NomenclatureTerm.objects.filter(code="A01").update(label_fr="AIGUILLES", dirty=True)
    publish_release(notes="v2", by="c")
    seqs = list(
        ChangeLogEntry.objects.filter(entity_type=ENTITY_TERM).values_list("seq", flat=True)
    )
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert list(Release.objects.order_by("number").values_list("number", "change_count")) == [
        (1, SLICE_TERMS + 1),
        (2, 1),
    ]


def test_a_term_moved_under_a_new_parent_is_moved(db):
    def codesystem(tree):
        return {
            "resourceType": "CodeSystem",
            "url": "http://example.org/cs/local",
            "name": "local",
            "content": "complete",
            "concept": tree,
        }

    leaf = {"code": "L", "display": "Leaf"}
    load(codesystem([{"code": "R", "display": "Root", "concept": [leaf]}]))
    report = load(
        codesystem(
            [
                {
                    "code": "R",
                    "display": "Root",
                    "concept": [{"code": "N", "display": "New", "concept": [leaf]}],
                }
            ]
        )
    )
    assert (report.created, report.moved) == (1, 1)
    moved = NomenclatureTerm.objects.select_related("parent").get(code="L")
    assert (moved.parent.code, moved.level, moved.dirty) == ("N", 3, True)
