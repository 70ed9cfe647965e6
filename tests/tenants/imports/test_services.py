"""A job that fails tells its person, in a fixed French sentence, whether anything changed;
the exception (its class, maybe SQL) goes to the log only."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from tenants.imports import registry
from tenants.imports.models import ImportJob
from tenants.imports.services import run_import

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
