"""Imports and large exports run by a real Celery worker, with progress, in the right schema."""

import time
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from saas.tenancy.models import Tenant
from tenants.access.models import Role, ScopeKind
from tenants.access.services import grant_role
from tenants.imports.models import ImportJob
from tenants.imports.services import start_import
from tenants.inventory.models import Device
from tenants.mirror.models import ReferenceDeviceModel, ReferenceManufacturer
from tenants.structure.models import Establishment, FunctionalUnit, Pole, Service
from tenants.tables import services as tables
from tenants.tables.listing import PAGES, resolve
from tenants.tables.models import ExportJob
from tests.tenants.inventory.factories import structure

pytestmark = pytest.mark.slow


def wait_until_finished(model, pk: int, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = model.objects.get(pk=pk)
        if job.state in ("done", "refused", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"{model.__name__} {pk} did not finish within {timeout} s")


@pytest.fixture
def committed_alpha(live_db, make_user):
    alpha = Tenant.objects.get(schema_name="t_alpha")
    user = make_user(alpha)
    with tenant_context(alpha):
        structure(("1101", "1102"))
        grant_role(user, Role.VIEWER, ScopeKind.TENANT, by="test")
    yield alpha, user
    with tenant_context(alpha):
        Device.objects.all().delete()
        ImportJob.objects.all().delete()
        ExportJob.objects.all().delete()
        FunctionalUnit.objects.all().delete()
        Service.objects.all().delete()
        Pole.objects.all().delete()
        Establishment.objects.exclude(name="Site Alpha").delete()
        ReferenceDeviceModel.objects.all().delete()
        ReferenceManufacturer.objects.all().delete()
        user.delete()


def big_export(rows: int) -> bytes:
    lines = ["N° inventaire;UF;Marque;Modèle;Valeur d'achat"]
    lines += [f"W{i:06d};110{1 + i % 2};Philips;MX450;{i},50" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode("cp1252")


def test_an_import_job_runs_in_the_worker_in_its_tenants_schema(
    celery_worker_process, committed_alpha
):
    alpha, user = committed_alpha
    with tenant_context(alpha):
        upload = SimpleUploadedFile("gmao.csv", big_export(12000))
        job = start_import("inventory", upload, mapping={}, dry_run=False, by=user)
        job = wait_until_finished(ImportJob, job.pk)
        assert job.state == "done", job.problems
        assert job.report["created"] == 12000
        assert Device.objects.count() == 12000
    with tenant_context(Tenant.objects.get(schema_name="t_bravo")):
        assert not Device.objects.filter(inventory_number__startswith="W").exists()


def test_a_refused_import_in_the_worker_changes_nothing(celery_worker_process, committed_alpha):
    alpha, user = committed_alpha
    with tenant_context(alpha):
        data = big_export(3000) + b"W000001;1101;Philips;MX450;1\n"  # a duplicate at the end
        job = start_import(
            "inventory", SimpleUploadedFile("gmao.csv", data), mapping={}, dry_run=False, by=user
        )
        job = wait_until_finished(ImportJob, job.pk)
        assert job.state == "refused"
        assert job.problems == [
            [3002, "N° inventaire", "le numéro d\u2019inventaire W000001 figure déjà à la ligne 3"]
        ]
        assert not Device.objects.exists()


def test_a_large_export_is_built_by_the_worker(celery_worker_process, committed_alpha):
    alpha, user = committed_alpha
    with tenant_context(alpha):
        from tenants.inventory.imports import import_inventory

        import_inventory(big_export(tables.INLINE_EXPORT_ROWS + 500), "x.csv")
        page = PAGES["inventory.devices"]
        from django.http import QueryDict

        resolved = resolve(
            page, user, QueryDict("uf=1101&sort=-inventory_number"), ["inventory_number"], {}
        )
        job = tables.start_export(user, resolved)
        job = wait_until_finished(ExportJob, job.pk)
        assert job.state == "done"
        with job.file.open("rb") as stored:
            sheet = load_workbook(BytesIO(stored.read()), read_only=True).active
            rows = list(sheet.iter_rows(values_only=True))
        expected = (tables.INLINE_EXPORT_ROWS + 500) // 2
        assert len(rows) == expected + 1 and job.rows == expected
        assert rows[1][0] > rows[2][0]  # the screen's order, descending
        assert job.file.name.startswith("t_alpha/exports/")


def test_a_job_failing_in_the_worker_ends_failed_with_its_reason(
    celery_worker_process, committed_alpha
):
    """Any exception in the worker ends the job (here: no importer for the job's kind, as
    after a release that dropped one while jobs were queued); it never stays running. The
    person reads a fixed sentence saying nothing changed; the exception is for the log."""
    from django.db import transaction

    from tenants.imports.tasks import run_import_task

    alpha, user = committed_alpha
    with tenant_context(alpha):
        job = ImportJob.objects.create(
            kind="retired-kind",
            file=SimpleUploadedFile("gmao.csv", big_export(3)),
            filename="gmao.csv",
            created_by=user,
        )
        transaction.on_commit(lambda: run_import_task.delay(job.pk))
        job = wait_until_finished(ImportJob, job.pk, timeout=30)
        assert job.state == "failed" and job.finished is not None
        [[_line, _column, reason]] = job.problems
        assert reason == (
            "L\u2019import s\u2019est arrêté sur une erreur inattendue\u00a0: "
            "rien n\u2019a été changé. "
            "L\u2019équipe a été prévenue\u00a0; vous pourrez réessayer plus tard."
        )
        assert "retired-kind" not in reason and "LookupError" not in reason


def test_a_structure_import_runs_as_a_job_in_the_worker(celery_worker_process, committed_alpha):
    alpha, user = committed_alpha
    data = (
        "FINESS;Code pôle;Pôle;Code service;Service;Code UF;UF\n"
        "800000259;P1;Pôle;S1;Réa;1101;UF 1101\n"
        "800000259;P1;Pôle;S1;Réa;1103;Soins continus\n"
    ).encode()
    with tenant_context(alpha):
        upload = SimpleUploadedFile("structure.csv", data)
        job = start_import("structure", upload, mapping={}, dry_run=False, by=user)
        job = wait_until_finished(ImportJob, job.pk)
        assert job.state == "done", job.problems
        assert job.report["created"]["uf"] == 1 and job.report["closed_ufs"] == ["1102"]
        assert FunctionalUnit.objects.get(code="1103").name == "Soins continus"
