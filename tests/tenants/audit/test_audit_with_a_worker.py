"""Changes made by a real Celery worker are attributed: the task, the import, who started it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from saas.audit.history import event_model_of, history_of
from saas.tenancy.models import Tenant
from tenants.imports.models import ImportJob
from tenants.imports.services import start_import
from tenants.inventory.models import Device
from tenants.structure.models import Establishment, FunctionalUnit, Pole, Service
from tests.tenants.imports.test_jobs_with_a_worker import wait_until_finished
from tests.tenants.inventory.factories import structure

pytestmark = pytest.mark.slow


@pytest.fixture
def committed_alpha(live_db, make_user):  # type: ignore[no-untyped-def]
    alpha = Tenant.objects.get(schema_name="t_alpha")
    user = make_user(alpha, full_name="Inès Importatrice")
    with tenant_context(alpha):
        structure(("1101",))
    yield alpha, user
    with tenant_context(alpha):
        devices: Any = event_model_of(Device)
        devices.objects.all().delete()
        Device.objects.all().delete()
        ImportJob.objects.all().delete()
        FunctionalUnit.objects.all().delete()
        Service.objects.all().delete()
        Pole.objects.all().delete()
        Establishment.objects.exclude(name="Site Alpha").delete()
        user.delete()


def test_an_import_run_by_the_worker_is_recorded_as_an_import_by_who_started_it(
    celery_worker_process, committed_alpha
):
    alpha, user = committed_alpha
    data = "N° inventaire;UF;Marque;Modèle\nW1;1101;Philips;MX450\nW2;1101;Getinge;Servo-u\n"
    with tenant_context(alpha):
        devices: Any = event_model_of(Device)
        # Committed tests before this one left their own events in t_alpha: count only new ones.
        before = devices.objects.order_by("-pgh_id").values_list("pgh_id", flat=True).first() or 0
        upload = SimpleUploadedFile("gmao.csv", data.encode("cp1252"))
        job = start_import("inventory", upload, mapping={}, dry_run=False, by=user)
        job = wait_until_finished(ImportJob, job.pk)
        assert job.state == "done", job.problems
        events = list(devices.objects.filter(pgh_id__gt=before).select_related("pgh_context"))
        assert len(events) == 2
        for event in events:
            metadata = event.pgh_context.metadata
            assert metadata["source"] == "import"
            assert metadata["user"] == user.pk
            assert metadata["task"] == "tenants.imports.tasks.run_import"
            assert metadata["import_job"] == job.pk
        entry = history_of(Device.objects.get(inventory_number="W1"))[0]
        assert entry.who == "Inès Importatrice" and entry.source == "un import"
