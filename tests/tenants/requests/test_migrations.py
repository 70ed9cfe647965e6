"""The requests' move from the campaigns app, on a schema that predates it: nothing is lost.

A schema is migrated by the old migrations of what a request touches, given a request with a
part and a comment, then migrated through the move: the request keeps its table, its history
and its comment, and an edit is recorded by the renamed audit triggers. Later, the requests
and plan lines such a schema holds take their references (DEM-..., PLN-...).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_tenants.utils import schema_context

from saas.audit import audit_context
from saas.audit.history import event_model_of
from tenants.documents.services import comments_of
from tenants.requests.models import EquipmentRequest, RequestPart
from tests.schema_copies import copy_schema

MOVE = ("requests", "0001_initial")
# The plan line's reference added, its rows not numbered yet.
BEFORE_REFERENCES = ("plan", "0004_planline_reference")
OLD_TRIGGERS = {  # the campaigns app's names, in the migrations that created them
    "pgtrigger_insert_insert_cc2fb",
    "pgtrigger_update_update_8f8b7",
    "pgtrigger_delete_delete_ea1a8",
    "pgtrigger_insert_insert_edf19",
    "pgtrigger_update_update_6fedc",
    "pgtrigger_delete_delete_aeceb",
}
# What a request touches, as it was before the move (with what these migrations need).
BEFORE_THE_MOVE = [
    ("campaigns", "0005_audit_trail"),
    ("plan", "0002_audit_trail"),
    ("documents", "0002_audit_trail"),
]


@pytest.fixture(scope="module")
def premove(django_db_setup, django_db_blocker) -> Iterator[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """A schema migrated up to the move, with an old request: committed once for the module
    (migrating a schema from nothing is slow); each test's transaction then migrates it
    forward, and its rollback brings it back."""
    name = f"t_premove_{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{name}"')
        with schema_context(name):
            request, request_type = old_request(migrate(BEFORE_THE_MOVE))
    yield {"schema": name, "request": request, "type": request_type}
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA "{name}" CASCADE')


@pytest.fixture(scope="module")
def moved(premove, django_db_blocker) -> Iterator[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """A copy of that schema migrated through the move, committed once for the module: the
    first test reads what the migrations did, the second undoes them (each migration commits
    as in production; migrating to the end costs a dozen seconds)."""
    name = f"t_moved_{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        copy_schema(premove["schema"], name)
        ContentType.objects.clear_cache()
        with schema_context(name):
            migrate_to_the_end()
        ContentType.objects.clear_cache()
    yield {**premove, "schema": name, "before": premove["schema"]}
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA "{name}" CASCADE')


@pytest.fixture
def new(db, moved) -> Iterator[dict[str, Any]]:  # type: ignore[no-untyped-def]
    ContentType.objects.clear_cache()
    with schema_context(moved["schema"]):
        with connection.cursor() as cursor:  # as ``old`` does, for the migrations back
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        yield moved
    ContentType.objects.clear_cache()


@pytest.fixture
def old(db, premove) -> Iterator[dict[str, Any]]:  # type: ignore[no-untyped-def]
    ContentType.objects.clear_cache()
    with schema_context(premove["schema"]):
        # The migrations run in the test's one transaction, where PostgreSQL refuses to alter a
        # table whose rows wait for a deferred foreign key check (a row numbered, then its
        # column dropped): checked at once, as each migration's own commit does in production.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        yield premove
    ContentType.objects.clear_cache()


def migrate(targets: list[tuple[str, str | None]]) -> Any:
    """Migrate the connection's schema to ``targets``; the state's apps after it."""
    executor = MigrationExecutor(connection)
    return executor.migrate(targets).apps


def migrate_to_the_end() -> Any:
    """The move: the latest migrations of the apps it concerns."""
    graph = MigrationExecutor(connection).loader.graph
    return migrate(
        [leaf for app in ("requests", "campaigns", "plan") for leaf in graph.leaf_nodes(app)]
    )


def old_request(apps: Any) -> tuple[Any, Any]:
    """A request as the campaigns app made it, with a part and a comment; and its type."""
    User = apps.get_model("accounts", "User")
    Establishment = apps.get_model("structure", "Establishment")
    Pole = apps.get_model("structure", "Pole")
    Service = apps.get_model("structure", "Service")
    FunctionalUnit = apps.get_model("structure", "FunctionalUnit")
    Campaign = apps.get_model("campaigns", "Campaign")
    OldRequest = apps.get_model("campaigns", "EquipmentRequest")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Comment = apps.get_model("documents", "Comment")

    author = User.objects.create(email="cadre@premove.test", full_name="Cadre")
    site = Establishment.objects.create(
        name="Site", finess="800000259", legal_entity_name="A", legal_entity_finess="800000044"
    )
    pole = Pole.objects.create(establishment=site, code="P1", name="Pôle")
    service = Service.objects.create(pole=pole, code="S1", name="Service")
    uf = FunctionalUnit.objects.create(service=service, code="1101", name="UF")
    campaign = Campaign.objects.create(
        name="Recensement", nature="equipment", year=2027, opens="2026-10-01", closes="2026-12-15"
    )
    request = OldRequest.objects.create(
        campaign=campaign, uf=uf, nature="equipment", title="Respirateur", requested_by=author
    )
    # By id: after migrate(), the state's models may point at earlier renders of each other.
    OldPart = apps.get_model("campaigns", "RequestPart")
    OldPart.objects.create(request_id=request.pk, kind="investment", quantity=1, unit_price=30000)
    request_type = ContentType.objects.create(app_label="campaigns", model="equipmentrequest")
    Comment.objects.create(
        content_type=request_type, object_id=request.pk, author=author, text="Urgent"
    )
    return request, request_type


def triggers_on(*tables: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgname LIKE 'pgtrigger_%%' "
            "AND tgrelid = ANY(%s::regclass[])",
            [list(tables)],
        )
        return {name for (name,) in cursor.fetchall()}


def test_a_schema_from_before_the_move_keeps_its_requests_history_and_comments(new):
    """(Migrated to the end by the ``moved`` fixture.)"""
    tables = ("campaigns_equipmentrequest", "campaigns_requestpart")
    with schema_context(new["before"]):
        assert triggers_on(*tables) == OLD_TRIGGERS

    request = EquipmentRequest.objects.get()
    assert request.pk == new["request"].pk and request.title == "Respirateur"
    request_type = ContentType.objects.get_for_model(EquipmentRequest)
    assert (request_type.pk, request_type.app_label) == (new["type"].pk, "requests")
    assert [c.text for c in comments_of(request)] == ["Urgent"]
    # The triggers carry the new label's names, and pgtrigger finds them as it compiles them.
    new_names = {t.get_pgid(m) for m in (EquipmentRequest, RequestPart) for t in m._meta.triggers}
    assert triggers_on(*tables) == new_names and not new_names & OLD_TRIGGERS
    for model in (EquipmentRequest, RequestPart):
        for trigger in model._meta.triggers:
            assert trigger.get_installation_status(model) == ("INSTALLED", True)
    with connection.cursor() as cursor:  # the old triggers' functions went with them
        cursor.execute(
            "SELECT proname FROM pg_proc WHERE proname = ANY(%s) "
            "AND pronamespace = current_schema()::regnamespace",  # not the schema before
            [list(OLD_TRIGGERS)],
        )
        assert cursor.fetchall() == []

    with audit_context("command"):
        request.title = "Respirateur de transport"
        request.save()
        request.parts.update(quantity=2)
    request_events = event_model_of(EquipmentRequest).objects.filter(pgh_obj_id=request.pk)
    assert list(
        request_events.order_by("pgh_id").values_list("pgh_label", "title", "reference")
    ) == [
        ("insert", "Respirateur", ""),
        ("update", "Respirateur", request.reference),  # numbered by the migration
        ("update", "Respirateur de transport", request.reference),
    ]
    part_events = event_model_of(RequestPart).objects.filter(pgh_obj_id=request.parts.get().pk)
    assert list(part_events.order_by("pgh_id").values_list("pgh_label", "quantity")) == [
        ("insert", 1),
        ("update", 2),
    ]


def test_the_move_is_undone_with_its_triggers_and_content_types(new):
    """From the ``moved`` fixture's schema, migrated to the end."""
    apps = migrate([(MOVE[0], None)])  # the requests app unapplied, and what needs it

    assert triggers_on("campaigns_equipmentrequest", "campaigns_requestpart") == OLD_TRIGGERS
    assert apps.get_model("contenttypes", "ContentType").objects.get(
        pk=new["type"].pk
    ).app_label == ("campaigns")


def test_a_content_type_made_between_the_two_migrations_gives_way_to_the_old_one(old):
    """A run stopped after the move's first migration lets Django create the new label's
    content type: what was attached to it moves to the old one, which keeps its id."""
    apps = migrate([MOVE])
    ContentTypeThen = apps.get_model("contenttypes", "ContentType")
    made = ContentTypeThen.objects.create(app_label="requests", model="equipmentrequest")
    apps.get_model("documents", "Comment").objects.create(
        content_type_id=made.pk,
        object_id=old["request"].pk,
        author_id=old["request"].requested_by_id,
        text="Entre-deux",
    )

    migrate_to_the_end()

    request_type = ContentType.objects.get(model="equipmentrequest")
    assert (request_type.pk, request_type.app_label) == (old["type"].pk, "requests")
    texts = [c.text for c in comments_of(EquipmentRequest.objects.get())]
    assert texts == ["Urgent", "Entre-deux"]


def test_existing_requests_and_plan_lines_are_numbered_by_year_of_creation(old):
    """Rows made before references existed take them in the order they were created within
    each year of creation (Paris time), and the counters go on from there."""
    from django.utils import timezone

    from tenants.numbering.services import allocate
    from tenants.plan.models import PlanLine

    apps = migrate([("requests", "0003_equipmentrequest_reference"), BEFORE_REFERENCES])
    Request = apps.get_model("requests", "EquipmentRequest")
    Line = apps.get_model("plan", "PlanLine")
    first = Request.objects.get()
    made = {"old": first.pk}
    for name in ("new_year_eve", "january_a", "january_b", "spring"):
        made[name] = Request.objects.create(
            campaign_id=first.campaign_id,
            uf_id=first.uf_id,
            nature="equipment",
            title=name,
            requested_by_id=first.requested_by_id,
        ).pk
    cet = timezone.get_fixed_timezone(60)  # Paris in winter
    created = {
        "old": datetime.datetime(2026, 6, 1, 9, tzinfo=cet),
        # 23:30 in UTC on New Year's Eve is already 2026 in Paris.
        "new_year_eve": datetime.datetime(2025, 12, 31, 23, 30, tzinfo=datetime.UTC),
        "january_a": datetime.datetime(2026, 1, 10, 8, tzinfo=cet),
        "january_b": datetime.datetime(2026, 1, 10, 8, tzinfo=cet),  # same time: by id
        "spring": datetime.datetime(2025, 4, 2, 8, tzinfo=cet),
    }
    for name, when in created.items():
        Request.objects.filter(pk=made[name]).update(created=when)
    for name in ("january_b", "spring"):
        Line.objects.create(
            request_id=made[name],
            campaign_id=first.campaign_id,
            year=2027,
            uf_id=first.uf_id,
            nature="equipment",
            title=name,
            amount=1000,
            created_by_id=first.requested_by_id,
        )
    Line.objects.filter(request_id=made["spring"]).update(created=created["old"])
    Line.objects.filter(request_id=made["january_b"]).update(created=created["january_a"])

    migrate_to_the_end()

    references = dict(EquipmentRequest.objects.values_list("pk", "reference"))
    assert {name: references[pk] for name, pk in made.items()} == {
        "spring": "DEM-2025-00001",
        "new_year_eve": "DEM-2026-00001",
        "january_a": "DEM-2026-00002",
        "january_b": "DEM-2026-00003",
        "old": "DEM-2026-00004",
    }
    lines = dict(PlanLine.objects.values_list("request_id", "reference"))
    assert lines == {made["january_b"]: "PLN-2026-00001", made["spring"]: "PLN-2026-00002"}
    assert allocate("DEM", 2026) == "DEM-2026-00005"  # what is created next follows them
    assert allocate("DEM", 2025) == "DEM-2025-00002"
    assert allocate("PLN", 2026) == "PLN-2026-00003"
