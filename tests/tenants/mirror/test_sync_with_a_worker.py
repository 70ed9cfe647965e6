"""Publishing a release reaches the tenants it concerns through a real Celery worker and Redis."""

from __future__ import annotations

import datetime
import time

import pytest
from django_tenants.utils import tenant_context

from shared_reference.models import DeviceModel
from shared_reference.services import publish_release
from tenants.alerts.models import Alert, AlertKind
from tenants.mirror import sync
from tests.tenants.mirror.conftest import own_a_device_of, reachable_by_workers

pytestmark = pytest.mark.usefixtures("reference_server")


def wait_for(check, timeout: float = 60.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout} s")


def test_a_published_end_of_support_reaches_the_owner_as_an_alert(
    celery_worker_process, hospital, reference_server
):
    reachable_by_workers(hospital, reference_server)
    model = DeviceModel.objects.get(commercial_name="Evita V500")
    with tenant_context(hospital):
        sync.sync_reference()
        own_a_device_of(model)
        sync.sync_reference()
    soon = datetime.date.today() + datetime.timedelta(days=300)
    DeviceModel.objects.filter(pk=model.pk).update(end_of_support=soon, dirty=True)
    started = time.monotonic()
    publish_release(notes="end of support", by="curator")  # queues the fan-out on commit

    def alert_raised():  # type: ignore[no-untyped-def]
        with tenant_context(hospital):
            return Alert.objects.filter(kind=AlertKind.END_OF_SUPPORT).first()

    alert = wait_for(alert_raised)
    assert alert.data["date"] == soon.isoformat()
    assert time.monotonic() - started < 60
