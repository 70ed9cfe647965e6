"""French labels: the product's translation of EMDN's top two levels, to be confirmed by
curators, and curators' own labels imported from a CSV file and published as a release."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared_reference.fhir import parse_codesystem
from shared_reference.french_labels import (
    LabelsRefused,
    import_french_labels,
    load_product_labels,
)
from shared_reference.models import (
    ChangeLogEntry,
    LabelStatus,
    NomenclatureSystem,
    NomenclatureTerm,
    Release,
)
from shared_reference.services import import_codesystem, publish_release
from tests.shared_reference.test_curation_pages import curator, nomenclature  # noqa: F401

EMDN = Path(__file__).resolve().parents[2] / "shared_reference/fixtures/CodeSystem-emdn.json"


def emdn_like() -> NomenclatureSystem:
    return NomenclatureSystem.objects.get(code="emdn")


def test_the_product_translates_exactly_the_top_two_levels_of_the_real_emdn(db):
    report = import_codesystem(parse_codesystem(EMDN.read_bytes()))
    labels = load_product_labels(report.system, by="platform")
    top = NomenclatureTerm.objects.filter(system=report.system, level__lte=2)
    assert labels.changed == top.count() == 203
    assert not top.filter(label_fr="").exists()
    assert set(top.values_list("label_fr_status", flat=True)) == {LabelStatus.PRODUCT}
    assert top.get(code="A01").label == "Aiguilles"
    assert NomenclatureTerm.objects.get(code="A0101").label.startswith("Needles for ")
    release = publish_release(notes="EMDN", by="platform")
    sent = ChangeLogEntry.objects.get(release=release, payload__code="R")
    assert sent.payload["label_fr"] == "Dispositifs de respiration et d\u2019anesthésie"


def test_the_product_file_never_overwrites_a_label_a_curator_confirmed(nomenclature):  # noqa: F811
    system = emdn_like()
    import_french_labels(system, "Z;Équipements\n".encode(), status="confirmed", by="c@ref.test")
    report = import_french_labels(
        system, "Z;Matériels\nA;Administration\n".encode(), status="product", by="platform"
    )
    assert report.kept == ["Z"] and report.changed == 1
    z, a = NomenclatureTerm.objects.get(code="Z"), NomenclatureTerm.objects.get(code="A")
    assert (z.label_fr, z.label_fr_status, z.label_fr_confirmed_by) == (
        "Équipements",
        "confirmed",
        "c@ref.test",
    )
    assert (a.label_fr, a.label_fr_status) == ("Administration", "product")


def test_a_curator_imports_french_labels_published_as_a_release(nomenclature, curator):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = "code;label_fr\nZ1203;Ventilateurs de réanimation\nZ1204;Moniteurs\n".encode()
    response = curator.post(
        "/reference/nomenclatures/emdn/french-labels/",
        {"file": SimpleUploadedFile("libelles.csv", csv, content_type="text/csv")},
    )
    release = Release.objects.get(number=2)
    assert response.status_code == 302
    assert response["Location"] == f"/reference/releases/{release.number}/"
    payloads = {
        e.payload["code"]: e.payload for e in ChangeLogEntry.objects.filter(release=release)
    }
    assert payloads["Z1203"]["label_fr"] == "Ventilateurs de réanimation"
    assert set(payloads) == {"Z1203", "Z1204"}
    term = NomenclatureTerm.objects.get(code="Z1203")
    assert (term.label_fr_status, term.label_fr_confirmed_by) == ("confirmed", "curator@ref.test")
    # Found by its French words, accents or not, and shown with its status.
    page = curator.get("/reference/nomenclatures/emdn/", {"q": "REANIMATION"}).content.decode()
    assert "Ventilateurs de réanimation" in page and "confirmé par un curateur" in page


def test_a_faulty_file_is_refused_whole_naming_each_line(nomenclature, curator):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = b"Z1203;Ventilateurs\nZ1204;\nQ99;Inconnu\nZ1203;Encore\n"
    response = curator.post(
        "/reference/nomenclatures/emdn/french-labels/",
        {"file": SimpleUploadedFile("libelles.csv", csv, content_type="text/csv")},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "ligne 2" in body and "Z1204" in body
    with pytest.raises(LabelsRefused) as refused:
        import_french_labels(emdn_like(), b"Z1203;A\nQ99;B\nZ1203;C\n", status="confirmed", by="c")
    # The column as the person who made the file knows it, never our field name.
    assert [(p.line, p.column) for p in refused.value.problems] == [
        (2, "code (1re colonne)"),
        (3, "code (1re colonne)"),
    ]
    problems = body.split('class="alert alert-danger"')[1].split("</div>")[0]
    assert "label_fr" not in problems and "libellé français (2e colonne)" in problems
    assert not NomenclatureTerm.objects.exclude(label_fr="").exists()
    assert Release.objects.count() == 1


def test_the_term_page_shows_the_product_translation_until_a_curator_confirms_it(
    nomenclature,  # noqa: F811
    curator,  # noqa: F811
):
    import_french_labels(emdn_like(), b"Z1203;Ventilation\n", status="product", by="p")
    term = NomenclatureTerm.objects.get(code="Z1203")
    page = curator.get(f"/reference/terms/{term.uuid}/").content.decode()
    assert "traduction du produit, à confirmer" in page and 'name="confirm_label_fr"' in page
    fields = {
        "label_fr": "Ventilation",
        "label_en": "VENTILATION",
        "status": "active",
        "replacement_code": "",
        "valid_from": "",
        "valid_until": "",
    }
    assert curator.post(f"/reference/terms/{term.uuid}/", fields).status_code == 302
    term.refresh_from_db()
    assert term.label_fr_status == "product"  # saving other fields confirms nothing
    response = curator.post(f"/reference/terms/{term.uuid}/", {**fields, "confirm_label_fr": "on"})
    assert response.status_code == 302
    term.refresh_from_db()
    assert (term.label_fr_status, term.label_fr_confirmed_by) == ("confirmed", "curator@ref.test")
    assert term.dirty
    page = curator.get(f"/reference/terms/{term.uuid}/").content.decode()
    assert "confirmé par un curateur" in page and 'name="confirm_label_fr"' not in page


def test_a_spreadsheets_csv_in_windows_1252_reads_and_a_nul_byte_is_refused(nomenclature):  # noqa: F811
    system = emdn_like()
    report = import_french_labels(
        system,
        "code;label_fr\r\nZ12;Matériels d'exploration\r\n".encode("cp1252"),
        status="confirmed",
        by="c",
    )
    assert report.changed == 1
    assert NomenclatureTerm.objects.get(code="Z12").label_fr == "Matériels d'exploration"
    with pytest.raises(LabelsRefused) as refused:
        import_french_labels(system, b"Z12;Mat\x00riels\n", status="confirmed", by="c")
    assert "octet nul" in str(refused.value)


def test_labels_are_not_kept_when_their_release_cannot_be_published(nomenclature, monkeypatch):  # noqa: F811
    from shared_reference import services
    from shared_reference.french_labels import import_and_publish_french_labels

    def broken_publish(**_kwargs):
        raise RuntimeError("the publication failed half-way")

    monkeypatch.setattr(services, "publish_release", broken_publish)
    before = NomenclatureTerm.objects.get(code="Z1203").label_fr
    with pytest.raises(RuntimeError):
        import_and_publish_french_labels(
            emdn_like(),
            "code;label_fr\nZ1203;Ventilateurs de réanimation\n".encode(),
            filename="libelles.csv",
            by="curator@ref.test",
        )
    # Labels that no release carries would never reach the hospitals: none is kept.
    assert NomenclatureTerm.objects.get(code="Z1203").label_fr == before
