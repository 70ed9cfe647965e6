"""Sync faults with a real Celery worker: the reference server down, a worker killed mid-sync."""

from __future__ import annotations

import time

import pytest
from django_tenants.utils import tenant_context

from shared_reference.services import publish_release
from tenants.mirror import sync
from tenants.mirror.models import SyncState
from tenants.mirror.tasks import queue_sync, sync_reference_task
from tests.conftest import free_port

pytestmark = pytest.mark.usefixtures("reference_server")


def wait_for(check, timeout: float = 60.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout} s")


def test_with_the_reference_server_down_the_worker_records_the_failure(
    celery_worker_process, hospital
):
    with tenant_context(hospital):
        down = f"http://localhost:{free_port()}/api/reference/v1/"
        SyncState.objects.update(api_url=down, failures=0, last_error="")
    assert queue_sync(hospital.schema_name)

    def failure_recorded():  # type: ignore[no-untyped-def]
        with tenant_context(hospital):
            return SyncState.objects.filter(failures__gte=1).first()

    state = wait_for(failure_recorded)
    assert "unreachable" in state.last_error


def test_a_worker_killed_in_the_middle_of_a_sync_loses_and_doubles_nothing(
    hospital, mail_dir, celery_worker_process, reference_server, settings
):
    """SIGKILL while pages are being applied: the next run resumes from the last committed
    page; every change is applied exactly once (the counter of rows written says so).

    Only the doomed worker knows where the reference server is (the tenant names no address
    of its own), so that the session's worker cannot finish the sync in its place.
    """
    import signal
    import uuid as uuid_module

    from saas.celery import app
    from saas.runner import stop_process
    from shared_reference.models import NomenclatureTerm
    from tenants.mirror.models import ReferenceTerm
    from tests.conftest import process_env, start_worker

    with tenant_context(hospital):
        sync.sync_reference()
        SyncState.objects.update(api_url="")
        start = SyncState.current()
    system = NomenclatureTerm.objects.get(code="Z1").system
    NomenclatureTerm.objects.bulk_create(
        NomenclatureTerm(system=system, code=f"K{i:04d}", label_en=f"Kind {i}", level=1)
        for i in range(600)
    )
    publish_release(notes="600 new codes", by="curator")
    queue = f"doomed-{uuid_module.uuid4().hex[:6]}"
    doomed = start_worker(
        queue,
        process_env(mail_dir, REFERENCE_SYNC_PAGE_SIZE="5", REFERENCE_API_URL=reference_server),
    )
    try:
        with tenant_context(hospital):
            sync_reference_task.apply_async(queue=queue)

        def some_pages_applied():  # type: ignore[no-untyped-def]
            with tenant_context(hospital):
                return SyncState.objects.filter(cursor__gt=start.cursor).exists()

        wait_for(some_pages_applied, timeout=30)
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
    finally:
        stop_process(doomed)
    app.control.purge()  # the killed worker's message would come back after the visibility timeout
    with tenant_context(hospital):
        halfway = SyncState.current()
        assert start.cursor < halfway.cursor < 600 + start.cursor, "killed too late to tell"
        assert ReferenceTerm.objects.count() == 3 + halfway.applied - start.applied
        settings.REFERENCE_API_URL = reference_server
        report = sync.sync_reference()  # the next run
        end = SyncState.current()
        assert ReferenceTerm.objects.filter(code__startswith="K").count() == 600
        assert end.applied - start.applied == 600  # each change written once, none twice
        assert report.cursor_from == halfway.cursor
