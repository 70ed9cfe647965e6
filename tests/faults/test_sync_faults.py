"""Sync faults against a real reference server process: what breaks must lose nothing, repeat
nothing, and show on the status page (DESIGN.md section 4)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import schema_context, tenant_context

from shared_reference.models import (
    ChangeLogEntry,
    ChangeOperation,
    DeviceModel,
    Manufacturer,
    NomenclatureTerm,
    Release,
)
from shared_reference.services import compact_change_log, publish_release
from tenants.mirror import sync
from tenants.mirror.client import ReferenceUnavailable, UnexpectedAnswer
from tenants.mirror.models import (
    ReferenceDeviceModel,
    ReferenceManufacturer,
    ReferenceTerm,
    SyncState,
)
from tests.conftest import free_port
from tests.tenants.mirror.conftest import admin_client, own_a_device_of

pytestmark = pytest.mark.usefixtures("reference_server", "without_fan_out")


@contextmanager
def database_refuses(schema: str, table: str, when: str, message: str) -> Iterator[None]:
    """A real fault: PostgreSQL itself refuses an UPDATE of ``table`` matching ``when``."""
    name = f"fault_{table}"
    with schema_context(schema), connection.cursor() as cursor:
        cursor.execute(
            f'CREATE FUNCTION "{schema}".{name}() RETURNS trigger LANGUAGE plpgsql AS '
            f"$$ BEGIN RAISE EXCEPTION '{message}'; END $$"
        )
        cursor.execute(
            f'CREATE TRIGGER {name} BEFORE UPDATE ON "{schema}".{table} '
            f'FOR EACH ROW WHEN ({when}) EXECUTE FUNCTION "{schema}".{name}()'
        )
    try:
        yield
    finally:
        with schema_context(schema), connection.cursor() as cursor:
            cursor.execute(f'DROP TRIGGER {name} ON "{schema}".{table}')
            cursor.execute(f'DROP FUNCTION "{schema}".{name}()')


def relabel(code: str, label: str) -> None:
    NomenclatureTerm.objects.filter(code=code).update(label_fr=label, dirty=True)


def test_the_feed_brings_a_change_once_and_replaying_it_is_harmless(hospital):
    with tenant_context(hospital):
        sync.sync_reference()
    term = NomenclatureTerm.objects.get(code="Z12")
    term.label_fr, term.dirty = "Pompes à perfusion", True
    term.save()
    publish_release(notes="label", by="curator")
    with tenant_context(hospital):
        cursor = SyncState.current().cursor
        report = sync.sync_reference()
        assert report.applied == 1 and report.pages == 1
        assert ReferenceTerm.objects.get(code="Z12").label_fr == "Pompes à perfusion"
        assert sync.sync_reference().applied == 0
        # Replaying from an older cursor writes nothing but moves the cursor back to the end.
        SyncState.objects.update(cursor=cursor)
        replay = sync.sync_reference()
        assert replay.applied == 0
        assert SyncState.current().cursor == Release.objects.get(number=2).last_seq


def test_a_cursor_older_than_the_log_horizon_falls_back_to_the_snapshot(hospital):
    with tenant_context(hospital):
        sync.sync_reference()
        SyncState.objects.update(cursor=1)
    term = NomenclatureTerm.objects.get(code="Z1")
    term.label_fr, term.dirty = "Dispositifs", True
    term.save()
    publish_release(notes="second", by="curator")
    compact_change_log(before_release=2)
    with tenant_context(hospital):
        report = sync.sync_reference()
        assert report.from_snapshot
        assert ReferenceTerm.objects.get(code="Z1").label_fr == "Dispositifs"
        assert SyncState.current().cursor == Release.objects.get(number=2).last_seq


def test_a_corrupted_page_is_refused_the_cursor_stays_and_the_error_is_recorded(hospital):
    model = DeviceModel.objects.get(commercial_name="Evita V500")
    with tenant_context(hospital):
        sync.sync_reference()
        own_a_device_of(model)
        sync.sync_reference()
        before = SyncState.current().cursor
    release = Release.objects.create(number=99, published_by="intruder")
    ChangeLogEntry.objects.create(
        release=release,
        entity_type="device_model",
        entity_uuid=model.uuid,
        topic=model.topic(),
        operation=ChangeOperation.UPSERT,
        payload={**model.payload(), "end_of_support": "31/12/2031"},
    )
    with tenant_context(hospital):
        with pytest.raises(UnexpectedAnswer, match="end_of_support"):
            sync.sync_reference()
        state = SyncState.current()
        assert state.cursor == before
        assert "end_of_support" in state.last_error and state.failures >= 1
        assert ReferenceDeviceModel.objects.get().end_of_support == datetime.date(2040, 12, 31)


def test_the_reference_server_down_is_recorded_and_the_tenant_keeps_working(hospital):
    with tenant_context(hospital):
        sync.sync_reference()
        SyncState.objects.update(api_url=f"http://localhost:{free_port()}/api/reference/v1/")
        for _ in range(2):
            with pytest.raises(ReferenceUnavailable):
                sync.sync_reference()
        state = SyncState.current()
        assert state.failures >= 2 and "unreachable" in state.last_error
        assert ReferenceTerm.objects.count() == 3  # the copy stays usable
    page = admin_client(hospital).get("/references/sync/")
    assert page.status_code == 200
    assert "data-sync-error" in page.text and "unreachable" in page.text


def test_a_reference_server_too_slow_to_answer_is_unavailable_not_a_crash(hospital):
    """A server that accepts the connection and never answers: the read timeout ends it."""
    import socket
    import threading

    from tenants.mirror.client import ReferenceClient

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True).start()
    port = listener.getsockname()[1]
    try:
        client = ReferenceClient(f"http://127.0.0.1:{port}/api/", "key", timeout=(2, 0.5))
        with tenant_context(hospital):
            with pytest.raises(ReferenceUnavailable, match="no answer within"):
                sync.sync_reference(client)
            state = SyncState.current()
            assert state.failures >= 1 and "no answer" in state.last_error
    finally:
        for conn in accepted:
            conn.close()
        listener.close()


def test_several_releases_touching_the_same_entities_then_one_sync_apply_the_newest(hospital):
    """Each entity comes several times in one page: the newest payload of each is applied
    once (PostgreSQL refuses to upsert one row twice in a statement)."""
    model = DeviceModel.objects.get(commercial_name="Evita V500")
    with tenant_context(hospital):
        sync.sync_reference()
        own_a_device_of(model)
        sync.sync_reference()
        start = SyncState.current()
    for n, country in ((1, "AT"), (2, "CH"), (3, "FR")):
        relabel("Z12", f"Pompes v{n}")
        relabel("Z11", f"Ventilateurs v{n}")
        Manufacturer.objects.filter(name="Dräger").update(country=country, dirty=True)
        DeviceModel.objects.filter(pk=model.pk).update(
            end_of_support=datetime.date(2040 + n, 1, 1), dirty=True
        )
        publish_release(notes=f"release {n}", by="curator")
    with tenant_context(hospital):
        report = sync.sync_reference()
        state = SyncState.current()
        assert state.last_error == "" and state.failures == 0
        assert state.cursor == Release.objects.get(notes="release 3").last_seq
        assert ReferenceTerm.objects.get(code="Z12").label_fr == "Pompes v3"
        assert ReferenceTerm.objects.get(code="Z11").label_fr == "Ventilateurs v3"
        assert ReferenceManufacturer.objects.get().country == "FR"
        assert ReferenceDeviceModel.objects.get().end_of_support == datetime.date(2043, 1, 1)
        assert report.applied == 4 and state.applied - start.applied == 4  # once each


def test_a_fault_between_applying_a_page_and_moving_the_cursor_leaves_both_unchanged(
    hospital,
):
    """The page and the cursor are one transaction: the database refusing to move the cursor
    undoes the page too. The unforeseen error is recorded, and the next run applies it once."""
    with tenant_context(hospital):
        sync.sync_reference()
        before = SyncState.current()
    relabel("Z12", "Pompes à perfusion")
    publish_release(notes="label", by="curator")
    schema = hospital.schema_name
    with (
        database_refuses(
            schema, "mirror_syncstate", "OLD.cursor IS DISTINCT FROM NEW.cursor", "disk full"
        ),
        tenant_context(hospital),
    ):
        with pytest.raises(DatabaseError, match="disk full"):
            sync.sync_reference()
        state = SyncState.current()
        assert state.cursor == before.cursor and state.applied == before.applied
        assert ReferenceTerm.objects.get(code="Z12").label_fr != "Pompes à perfusion"
        assert "disk full" in state.last_error and state.failures == 1
    page = admin_client(hospital).get("/references/sync/")
    assert "data-sync-error" in page.text and "disk full" in page.text
    with tenant_context(hospital):
        assert sync.sync_reference().applied == 1
        assert ReferenceTerm.objects.get(code="Z12").label_fr == "Pompes à perfusion"
        assert SyncState.current().applied == before.applied + 1


def test_a_failure_in_the_middle_of_publishing_leaves_no_release_and_keeps_the_changes_dirty():
    """One transaction per release: the database refusing its last write (the release's
    counts) undoes the release, its change-log rows and the published state."""
    relabel("Z12", "Pompes à perfusion")
    releases, entries = Release.objects.count(), ChangeLogEntry.objects.count()
    with (
        database_refuses("public", "shared_reference_release", "true", "forced fault"),
        pytest.raises(DatabaseError, match="forced fault"),
    ):
        publish_release(notes="doomed", by="curator")
    assert Release.objects.count() == releases
    assert ChangeLogEntry.objects.count() == entries
    assert NomenclatureTerm.objects.get(code="Z12").dirty
    release = publish_release(notes="again", by="curator")
    assert release.change_count == 1


def test_the_command_reports_an_unforeseen_fault_and_goes_on(hospital):
    from io import StringIO

    from django.core.management import CommandError, call_command

    with tenant_context(hospital):
        sync.sync_reference()
    relabel("Z12", "Pompes à perfusion")
    publish_release(notes="label", by="curator")
    err = StringIO()
    with (
        database_refuses(
            hospital.schema_name,
            "mirror_syncstate",
            "OLD.cursor IS DISTINCT FROM NEW.cursor",
            "disk full",
        ),
        pytest.raises(CommandError, match="1 tenant"),
    ):
        call_command("sync_reference", hospital.schema_name, stderr=err)
    assert f"{hospital.schema_name}: InternalError: disk full" in err.getvalue()


def test_an_older_payload_never_overwrites_one_a_concurrent_transaction_wrote(hospital):
    """A link fetches a code (seq 9) while the worker applies an older page (seq 7) in
    another transaction: whatever the order of their reads, the newer payload stays."""
    import threading

    from tenants.mirror.services import apply_terms

    code = ("6f1c2d9e-4b7a-4c1e-9a55-0d7f3b2a1c11", {"system": "zz", "code": "Q1"})
    newer_written, release = threading.Event(), threading.Event()

    def fetch_newer() -> None:
        try:
            with tenant_context(hospital), transaction.atomic():
                apply_terms([(code[0], {**code[1], "label_en": "new"}, 9)])
                newer_written.set()
                release.wait(10)  # holds its transaction open while the older page comes
        finally:
            connection.close()

    link = threading.Thread(target=fetch_newer)
    link.start()
    assert newer_written.wait(10)
    # The older page starts before the newer row is committed: it cannot see it yet.
    threading.Timer(1.0, release.set).start()
    with tenant_context(hospital):
        apply_terms([(code[0], {**code[1], "label_en": "old"}, 7)])
        link.join(10)
        kept = ReferenceTerm.objects.get(code="Q1")
        assert (kept.label_en, kept.seq) == ("new", 9)
