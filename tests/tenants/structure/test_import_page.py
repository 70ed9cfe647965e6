"""The structure import page: a job per upload, dry run by default, the report, problems by
line, kept mapping, and the dry run applied for real from its report."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from tenants.access.models import Role, ScopeKind
from tenants.access.services import grant_role
from tenants.imports.models import ImportJob, ImportMapping
from tenants.imports.services import run_import
from tenants.structure.models import FunctionalUnit
from tests.conftest import client_for, host_of

GOOD = (
    "Code établissement;Code pôle;Pôle;Code service;Service;Code UF;UF\n"
    "800000259;P01;Pôle Réanimation;S011;Réanimation;1101;Réa médicale\n"
).encode("cp1252")
COLUMNS = {
    "column_establishment_finess": "Code établissement",
    "column_establishment_name": "Établissement",
    "column_pole_code": "Code pôle",
    "column_pole_name": "Pôle",
    "column_service_code": "Code service",
    "column_service_name": "Service",
    "column_uf_code": "Code UF",
    "column_uf_name": "UF",
    "column_valid_from": "Début",
    "column_valid_until": "Fin",
}


@pytest.fixture
def admin_client(tenant, make_user):
    admin = make_user(tenant)
    with tenant_context(tenant):
        grant_role(admin, Role.TENANT_ADMIN, ScopeKind.TENANT, by="test")
    return client_for(host_of(tenant), admin, tenant)


def upload(client, data: bytes, **extra):
    return client.post(
        "/structure/import/",
        {"file": SimpleUploadedFile("structure.csv", data), **COLUMNS, **extra},
    )


def imported(client, tenant, data: bytes, **extra):
    """Upload, run the job as the worker does, and return its page."""
    response = upload(client, data, **extra)
    assert response.status_code == 302, response.status_code
    assert response["Location"].startswith("/structure/import/")
    with tenant_context(tenant):
        job = run_import(ImportJob.objects.get(kind="structure").pk)
        assert job.is_finished
    return client.get(response["Location"])


def test_a_dry_run_shows_the_report_and_keeps_nothing(admin_client, tenant):
    response = imported(admin_client, tenant, GOOD, dry_run="on")
    assert response.status_code == 200
    assert 'class="alert alert-info"' in response.content.decode()  # the dry-run report
    with tenant_context(tenant):
        assert not FunctionalUnit.objects.exists()


def test_an_upload_waits_for_a_worker_on_its_job_page(admin_client, tenant):
    response = upload(admin_client, GOOD, dry_run="on")
    page = admin_client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-state="queued"' in page and "Waiting for a worker" in page


def test_importing_for_real_and_the_mapping_is_kept(admin_client, tenant):
    assert imported(admin_client, tenant, GOOD).status_code == 200  # dry_run unchecked
    with tenant_context(tenant):
        assert FunctionalUnit.objects.get(code="1101").name == "Réa médicale"
        assert (
            ImportMapping.objects.get(kind="structure").mapping["establishment_finess"]
            == "Code établissement"
        )
    page = admin_client.get("/structure/import/").content.decode()
    assert 'value="Code établissement"' in page
    assert "structure.csv" in page  # the recent imports


def test_problems_are_listed_by_line_and_column(admin_client, tenant):
    bad = GOOD + "123;P01;;S011;Réanimation;1102;Réa\n".encode("cp1252")
    body = imported(admin_client, tenant, bad).content.decode()
    assert 'data-state="refused"' in body
    assert "<td>3</td><td>Pôle</td><td>obligatoire, mais vide sur cette ligne</td>" in body
    assert "123 n\u2019est pas un numéro FINESS valide" in body
    with tenant_context(tenant):
        assert not FunctionalUnit.objects.exists()


def test_a_file_of_another_kind_is_refused_on_the_field(admin_client):
    response = admin_client.post(
        "/structure/import/", {"file": SimpleUploadedFile("photo.png", b"x"), **COLUMNS}
    )
    assert response.status_code == 400 and 'data-field="file"' in response.content.decode()


def test_only_administrators_import(tenant, make_user):
    viewer = make_user(tenant)
    with tenant_context(tenant):
        grant_role(viewer, Role.VIEWER, ScopeKind.TENANT, by="test")
    assert client_for(host_of(tenant), viewer, tenant).get("/structure/import/").status_code == 403


def test_the_dry_run_names_the_fields_left_empty_and_the_columns_ignored(admin_client, tenant):
    data = (
        "Code établissement;Code pôle;Pôle;Code service;Service;Code UF;UF;Date d'ouverture\n"
        "800000259;P01;Pôle Réanimation;S011;Réanimation;1101;Réa médicale;01/01/2020\n"
    ).encode("cp1252")
    page = imported(admin_client, tenant, data, dry_run="on").content.decode()
    columns = page[page.index('data-role="columns"') :]
    assert "Début, Fin" in columns and "Date d&#x27;ouverture" in columns
    with tenant_context(tenant):  # one name for them in every import's report
        report = ImportJob.objects.get(kind="structure").report
        assert report["unmapped_columns"] == ["Date d'ouverture"]


def test_a_dry_run_report_offers_to_apply_the_same_file(admin_client, tenant):
    page = imported(admin_client, tenant, GOOD, dry_run="on").content.decode()
    assert "Appliquer cet import" in page
    with tenant_context(tenant):
        dry = ImportJob.objects.get(kind="structure")
    response = admin_client.post(f"/structure/import/{dry.pk}/apply/")
    assert response.status_code == 302
    with tenant_context(tenant):
        job = ImportJob.objects.get(kind="structure", dry_run=False)
        assert response["Location"] == f"/structure/import/{job.pk}/"
        run_import(job.pk)
        assert FunctionalUnit.objects.get(code="1101").name == "Réa médicale"
    done = admin_client.get(response["Location"]).content.decode()
    assert "Importé." in done and "Appliquer cet import" not in done
    # A second click is refused on the dry run's page: one import, not two.
    again = admin_client.post(f"/structure/import/{dry.pk}/apply/", follow=True)
    assert "Cette simulation a déjà été appliquée." in again.content.decode()
    # Its report no longer offers the button.
    report = admin_client.get(f"/structure/import/{dry.pk}/").content.decode()
    assert "Appliquer cet import" not in report
    with tenant_context(tenant):
        assert ImportJob.objects.filter(dry_run=False).count() == 1


def test_only_administrators_apply_a_dry_run_and_only_from_its_own_page(
    admin_client, tenant, make_user
):
    imported(admin_client, tenant, GOOD, dry_run="on")
    viewer = make_user(tenant)
    with tenant_context(tenant):
        grant_role(viewer, Role.VIEWER, ScopeKind.TENANT, by="test")
        dry = ImportJob.objects.get(kind="structure")
    viewer_client = client_for(host_of(tenant), viewer, tenant)
    assert viewer_client.post(f"/structure/import/{dry.pk}/apply/").status_code == 403
    # The inventory's page applies the inventory's dry runs, not the structure's.
    assert admin_client.post(f"/inventory/import/{dry.pk}/apply/").status_code == 404
    with tenant_context(tenant):
        assert not ImportJob.objects.filter(dry_run=False).exists()
