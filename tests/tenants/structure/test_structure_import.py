"""The structure import: all or nothing, a report, closed UF, a dry run."""

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.structure.imports import ImportRefused, import_structure
from tenants.structure.models import FunctionalUnit, Pole, Service

HEADER = "FINESS;Code pôle;Pôle;Code service;Service;Code UF;UF;Début;Fin\n"


def csv(*lines: str) -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode("cp1252")


FIRST = csv(
    "800000259;P01;Pôle Réanimation;S011;Réanimation médicale;1101;Réa médicale;01/01/2020;",
    "800000259;P01;Pôle Réanimation;S011;Réanimation médicale;1102;Réa chirurgicale;;",
    "800000259;P02;Pôle Cœur;S021;Cardiologie;2101;Cardiologie HC;;",
)


@pytest.fixture
def in_alpha(tenant):
    with tenant_context(tenant):
        yield


def test_a_structure_file_creates_the_tree(in_alpha):
    report = import_structure(FIRST, "structure.csv")
    assert report.created == {"pole": 2, "service": 2, "uf": 3}
    uf = FunctionalUnit.objects.select_related("service__pole__establishment").get(code="1101")
    assert (uf.service.pole.name, uf.service.pole.establishment.finess) == (
        "Pôle Réanimation",
        "800000259",
    )
    assert str(uf.valid_from) == "2020-01-01"


def test_reimporting_updates_and_closes_what_disappeared_without_deleting(in_alpha):
    import_structure(FIRST, "structure.csv")
    second = csv(
        "800000259;P01;Pôle Réanimation et SC;S011;Réanimation médicale;1101;Réa médicale;"
        "01/01/2020;",
        "800000259;P02;Pôle Cœur;S021;Cardiologie;2101;Cardiologie HC;;",
    )
    report = import_structure(second, "structure.csv")
    assert report.updated["pole"] == 1 and report.closed_ufs == ["1102"]
    closed = FunctionalUnit.objects.get(code="1102")
    assert closed.valid_until == timezone.localdate()
    assert (
        FunctionalUnit.objects.count() == 3
        and Pole.objects.get(code="P01").name == "Pôle Réanimation et SC"
    )


def test_a_dry_run_reports_and_keeps_nothing(in_alpha):
    report = import_structure(FIRST, "structure.csv", dry_run=True)
    assert report.dry_run and report.created["uf"] == 3
    assert not FunctionalUnit.objects.exists() and not Service.objects.exists()


def test_every_problem_is_reported_with_line_and_column_and_nothing_changes(in_alpha):
    bad = csv(
        "800000259;P01;Pôle Réanimation;S011;Réanimation médicale;1101;Réa médicale;31/02/2020;",
        "999999999;P01;Pôle Réanimation;S011;Réanimation médicale;1102;Réa chirurgicale;;",
        "800000051;P02;Pôle Cœur;S021;Cardiologie;2101;;;",
        "800000259;P02;Pôle Cœur;S021;Cardiologie;1101;Doublon;;",
        "800000259;P03;Pôle Mère-enfant;S031;Pédiatrie;3101;Pédiatrie;01/01/2024;01/01/2023",
    )
    with pytest.raises(ImportRefused) as refused:
        import_structure(bad, "structure.csv")
    found = {(p.line, p.column) for p in refused.value.problems}
    assert {
        (2, "Début"),
        (3, "FINESS"),
        (4, "FINESS"),
        (4, "UF"),
        (5, "Code UF"),
        (6, "Fin"),
    } <= found
    assert not FunctionalUnit.objects.exists() and not Pole.objects.exists()


def test_a_file_without_a_needed_column_names_it(in_alpha):
    with pytest.raises(ImportRefused) as refused:
        import_structure(b"FINESS;Code UF;UF\n800000259;1101;R\n", "s.csv")
    assert "Code pôle" in {p.column for p in refused.value.problems}


def test_the_columns_can_be_mapped_to_the_hospitals_headers(in_alpha):
    data = (
        "Etab;Pole;Lib pole;Serv;Lib serv;UF;Lib UF\n"
        "800000259;P9;Pôle 9;S9;Service 9;9001;UF 9001\n"
    )
    mapping = {
        "establishment_finess": "Etab",
        "pole_code": "Pole",
        "pole_name": "Lib pole",
        "service_code": "Serv",
        "service_name": "Lib serv",
        "uf_code": "UF",
        "uf_name": "Lib UF",
    }
    report = import_structure(data.encode(), "s.csv", mapping=mapping)
    assert report.created["uf"] == 1 and FunctionalUnit.objects.get(code="9001").name == "UF 9001"
