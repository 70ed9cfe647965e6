"""A job that fails tells its person, in a fixed French sentence, whether anything changed;
the exception (its class, maybe SQL) goes to the log only. A successful dry run is applied
for real on the same stored file, never on a file that changed since."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from tenants.imports import registry
from tenants.imports.models import ImportJob
from tenants.imports.services import ApplyRefused, apply_dry_run, run_import, start_import
from tenants.structure.models import FunctionalUnit

SECRET = 'duplicate key value violates unique constraint "inventory_device_pkey"'


class LostReport:
    def as_dict(self) -> dict[str, Any]:
        raise RuntimeError(SECRET)


def explode(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError(SECRET)


@pytest.mark.parametrize(
    ("run", "dry_run", "said"),
    [
        (
            explode,
            False,
            "L\u2019import s\u2019est arrêté sur une erreur inattendue\u00a0: "
            "rien n\u2019a été changé. "
            "L\u2019équipe a été prévenue\u00a0; vous pourrez réessayer plus tard.",
        ),
        (
            lambda *args, **kwargs: LostReport(),
            False,
            "Le fichier a été importé, mais son compte rendu n\u2019a pas pu être conservé. "
            "L\u2019équipe a été prévenue.",
        ),
        (
            lambda *args, **kwargs: LostReport(),
            True,  # a dry run changed nothing, report or not
            "L\u2019import s\u2019est arrêté sur une erreur inattendue\u00a0: "
            "rien n\u2019a été changé. "
            "L\u2019équipe a été prévenue\u00a0; vous pourrez réessayer plus tard.",
        ),
    ],
    ids=["stopped before changing anything", "imported, report lost", "dry run"],
)
def test_a_failed_job_says_what_changed_and_keeps_the_exception_for_the_log(
    tenant, monkeypatch, caplog, run, dry_run, said
):
    monkeypatch.setitem(registry._IMPORTERS, "test", registry.Importer("test", run, {}))
    with tenant_context(tenant):
        job = ImportJob.objects.create(
            kind="test",
            file=SimpleUploadedFile("gmao.csv", b"UF;Code\n"),
            filename="gmao.csv",
            dry_run=dry_run,
            language="fr",
        )
        job = run_import(job.pk)
    assert job.state == ImportJob.State.FAILED
    assert job.problems == [[None, None, said]]
    assert SECRET in caplog.text


STRUCTURE = (
    "Code établissement;Code pôle;Pôle;Code service;Service;Code UF;UF\n"
    "800000259;P01;Pôle Réanimation;S011;Réanimation;1101;Réa médicale\n"
).encode("cp1252")
MAPPING = {
    "establishment_finess": "Code établissement",
    "pole_code": "Code pôle",
    "pole_name": "Pôle",
    "service_code": "Code service",
    "service_name": "Service",
    "uf_code": "Code UF",
    "uf_name": "UF",
}


def _dry_run(admin: Any) -> ImportJob:
    """A structure dry run, run as the worker runs it (call inside the tenant)."""
    upload = SimpleUploadedFile("structure.csv", STRUCTURE)
    job = start_import("structure", upload, mapping=MAPPING, dry_run=True, by=admin)
    return run_import(job.pk)


def test_applying_a_dry_run_imports_the_same_stored_file_for_real(tenant, make_user):
    admin = make_user(tenant)
    with tenant_context(tenant):
        dry = _dry_run(admin)
        assert dry.state == ImportJob.State.DONE and not FunctionalUnit.objects.exists()
        job = apply_dry_run(dry, by=admin)
        assert (job.dry_run, job.file.name, job.mapping) == (False, dry.file.name, MAPPING)
        job = run_import(job.pk)
        assert job.state == ImportJob.State.DONE
        assert FunctionalUnit.objects.get(code="1101").name == "Réa médicale"


def test_only_a_successful_dry_run_is_applied_and_only_once(tenant, make_user):
    admin = make_user(tenant)
    with tenant_context(tenant):
        dry = _dry_run(admin)
        real = run_import(apply_dry_run(dry, by=admin).pk)
        with pytest.raises(ApplyRefused, match="déjà été appliquée"):
            apply_dry_run(dry, by=admin)
        with pytest.raises(ApplyRefused, match="Seule une simulation sans problème"):
            apply_dry_run(real, by=admin)
        bad = start_import(
            "structure",
            SimpleUploadedFile("x.csv", b"Code UF\n1\n"),
            mapping={},
            dry_run=True,
            by=admin,
        )
        bad = run_import(bad.pk)
        assert bad.state == ImportJob.State.REFUSED
        with pytest.raises(ApplyRefused, match="Seule une simulation sans problème"):
            apply_dry_run(bad, by=admin)
        assert ImportJob.objects.filter(dry_run=False).count() == 1


def test_a_dry_run_whose_real_import_failed_may_be_applied_again(tenant, make_user):
    admin = make_user(tenant)
    with tenant_context(tenant):
        dry = _dry_run(admin)
        first = apply_dry_run(dry, by=admin)
        assert dry.was_applied  # queued: a second click is refused
        with pytest.raises(ApplyRefused, match="déjà été appliquée"):
            apply_dry_run(dry, by=admin)
        # The worker failed before writing anything (all or nothing): trying again is allowed.
        ImportJob.objects.filter(pk=first.pk).update(state=ImportJob.State.FAILED)
        assert not dry.was_applied
        again = run_import(apply_dry_run(dry, by=admin).pk)
        assert again.state == ImportJob.State.DONE and dry.was_applied
        assert FunctionalUnit.objects.get(code="1101").name == "Réa médicale"


def _replace_stored_file(job: ImportJob, data: bytes) -> None:
    storage, name = job.file.storage, job.file.name
    storage.delete(name)
    assert storage.save(name, ContentFile(data)) == name


def test_a_dry_run_whose_file_changed_is_refused(tenant, make_user):
    admin = make_user(tenant)
    with tenant_context(tenant):
        dry = _dry_run(admin)
        _replace_stored_file(dry, STRUCTURE.replace(b"1101", b"6666"))
        with pytest.raises(ApplyRefused, match="Le fichier a changé depuis sa simulation"):
            apply_dry_run(dry, by=admin)
        assert not ImportJob.objects.filter(dry_run=False).exists()


def test_the_worker_refuses_an_applied_file_that_changed_after_the_click(tenant, make_user):
    admin = make_user(tenant)
    with tenant_context(tenant):
        job = apply_dry_run(_dry_run(admin), by=admin)
        _replace_stored_file(job, STRUCTURE.replace(b"1101", b"6666"))
        job = run_import(job.pk)
        assert job.state == ImportJob.State.REFUSED
        assert "Le fichier a changé depuis sa simulation" in job.problems[0][2]
        assert not FunctionalUnit.objects.exists()
