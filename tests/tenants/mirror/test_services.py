"""Applying the reference server's payloads to a tenant's mirror: upsert, idempotent, refusals."""

import uuid

import pytest
from django_tenants.utils import tenant_context

from tenants.mirror.models import ReferenceDeviceModel, ReferenceManufacturer
from tenants.mirror.services import PayloadRefused, apply_entity

MAKER = str(uuid.uuid4())
MODEL = str(uuid.uuid4())


def model_payload(**changes):
    return {
        "status": "active",
        "replaced_by": None,
        "manufacturer": MAKER,
        "manufacturer_name": "Dräger",
        "commercial_name": "Evita V500",
        "catalogue_reference": "",
        "nomenclature": ["emdn:Z12030105"],
        "end_of_sale": None,
        "end_of_support": "2032-12-31",
        "end_of_support_source": "démo",
        "expected_life_years": 10,
        **changes,
    }


@pytest.fixture
def in_alpha(tenant):
    with tenant_context(tenant):
        yield


def test_a_payload_is_upserted_and_an_older_one_is_skipped(in_alpha):
    assert apply_entity("manufacturer", MAKER, {"name": "Dräger", "aliases": ["Draeger"]}, 5)
    assert apply_entity("device_model", MODEL, model_payload(), 7)
    assert not apply_entity("device_model", MODEL, model_payload(commercial_name="Old"), 6)
    assert not apply_entity("device_model", MODEL, model_payload(), 7)  # the same page again
    assert apply_entity("device_model", MODEL, model_payload(end_of_support="2030-01-01"), 9)
    model = ReferenceDeviceModel.objects.get()
    assert (model.commercial_name, str(model.end_of_support), model.seq) == (
        "Evita V500",
        "2030-01-01",
        9,
    )
    assert ReferenceManufacturer.objects.get().aliases == ["Draeger"]


@pytest.mark.parametrize(
    ("entity_type", "payload", "reason"),
    [
        ("device_model", model_payload(end_of_support="31/12/2032"), "end_of_support"),
        ("device_model", model_payload(commercial_name=""), "commercial_name"),
        ("manufacturer", {"name": "X", "aliases": "Y"}, "aliases"),
        ("market", {}, "not mirrored"),
    ],
)
def test_an_unexpected_payload_is_refused_and_changes_nothing(
    in_alpha, entity_type, payload, reason
):
    with pytest.raises(PayloadRefused, match=reason):
        apply_entity(entity_type, MODEL, payload, 3)
    assert not ReferenceDeviceModel.objects.exists()


def term(code: str, seq: int, **changes):
    payload = {
        "system": "emdn",
        "code": code,
        "label_en": f"LABEL {code}",
        "label_fr": "",
        "parent": code[:-2] or None,
        "level": len(code) // 2,
        "status": "active",
        "replacement": None,
        "valid_from": None,
        "valid_until": None,
        **changes,
    }
    return (str(uuid.uuid5(uuid.NAMESPACE_OID, code)), payload, seq)


def test_nomenclature_codes_are_applied_in_bulk_and_only_when_newer(in_alpha):
    from tenants.mirror.models import ReferenceTerm
    from tenants.mirror.services import apply_terms

    assert apply_terms([term("Z12", 1), term("Z1203", 2), term("Z120302", 3)]) == 3
    assert (
        apply_terms(
            [
                term("Z1203", 2, label_en="STALE"),
                term("Z12", 5, status="retired", replacement="Z13"),
            ]
        )
        == 1
    )
    assert ReferenceTerm.objects.get(code="Z1203").label_en == "LABEL Z1203"
    retired = ReferenceTerm.objects.get(code="Z12")
    assert (retired.status, retired.replacement, retired.seq) == ("retired", "Z13", 5)
    bad = term("Z14", 6)
    bad[1]["code"] = ""
    with pytest.raises(PayloadRefused, match="code"):
        apply_terms([bad])


def test_models_in_bulk_write_what_one_by_one_writes_and_only_newer_payloads(in_alpha, tenant):
    from django.forms.models import model_to_dict

    from tenants.mirror.services import apply_manufacturers, apply_models

    other = str(uuid.uuid4())
    entries = [
        (MODEL, model_payload(), 7),
        (other, model_payload(commercial_name="Savina 300", end_of_support=None), 8),
    ]
    assert apply_models(entries) == 2
    # The manufacturer got a row named from the models' payloads, and its own payload fills it.
    assert ReferenceManufacturer.objects.get().name == "Dräger"
    assert apply_manufacturers([(MAKER, {"name": "Dräger", "aliases": ["DRAEGER"]}, 3)]) == 1
    bulk = {
        m.commercial_name: model_to_dict(m, exclude=["id", "manufacturer"])
        for m in ReferenceDeviceModel.objects.all()
    }
    ReferenceDeviceModel.objects.all().delete()
    for entity_uuid, payload, seq in entries:
        apply_entity("device_model", entity_uuid, payload, seq)
    one_by_one = {
        m.commercial_name: model_to_dict(m, exclude=["id", "manufacturer"])
        for m in ReferenceDeviceModel.objects.all()
    }
    assert bulk == one_by_one
    # Older or equal seqs change nothing; within a batch the newest payload wins.
    assert apply_models([(MODEL, model_payload(commercial_name="Old"), 6)]) == 0
    assert (
        apply_models(
            [
                (MODEL, model_payload(end_of_support="2031-01-01"), 10),
                (MODEL, model_payload(end_of_support="2030-01-01"), 9),
            ]
        )
        == 1
    )
    assert str(ReferenceDeviceModel.objects.get(uuid=MODEL).end_of_support) == "2031-01-01"
    with pytest.raises(PayloadRefused, match="end_of_support"):
        apply_models([(MODEL, model_payload(end_of_support="31/12/2032"), 11)])


def test_the_safety_net_links_customer_tenants_only(tenant):
    from django_tenants.utils import schema_context

    from saas.reference_sync.tasks import sync_all_tenants
    from saas.tenancy.models import Tenant, TenantStatus
    from shared_reference.models import Subscriber

    with schema_context("public"):
        Subscriber.objects.filter(tenant_schema=tenant.schema_name).delete()
        queued = sync_all_tenants()
        linked = set(Subscriber.objects.values_list("tenant_schema", flat=True))
        # A tenant another test suspended keeps its subscriber, and is not synced.
        active = set(
            Tenant.objects.filter(status=TenantStatus.ACTIVE).values_list("schema_name", flat=True)
        )
    assert tenant.schema_name in linked and "public" not in linked
    assert queued == len((linked - {""}) & active)


def change(entity_type: str, entity_uuid: str, seq: int, payload=None, operation="upsert"):
    return {
        "seq": seq,
        "entity_type": entity_type,
        "entity_uuid": entity_uuid,
        "operation": operation,
        "payload": payload or {},
    }


# Markets and lots go to the markets app's tables (tests/tenants/markets/test_sync.py).
@pytest.mark.parametrize("entity_type", ["safety_notice", "nomenclature_system"])
def test_an_older_feed_row_never_overwrites_a_newer_mirrored_payload(in_alpha, entity_type):
    from tenants.mirror.models import ReferenceEntity
    from tenants.mirror.sync import apply_changes

    key = str(uuid.uuid4())
    assert apply_changes([change(entity_type, key, 9, {"title": "new"})]) == 1
    assert apply_changes([change(entity_type, key, 4, {"title": "old"})]) == 0
    kept = ReferenceEntity.objects.get(uuid=key)
    assert (kept.payload["title"], kept.seq) == ("new", 9)


def test_an_older_tombstone_replayed_after_a_newer_upsert_deletes_nothing(in_alpha):
    from tenants.mirror.models import ReferenceEntity, ReferenceTerm
    from tenants.mirror.sync import apply_changes

    notice = str(uuid.uuid4())
    code_uuid, code_payload, _seq = term("Z12", 0)
    apply_changes(
        [
            change("manufacturer", MAKER, 10, {"name": "Dräger"}),
            change("device_model", MODEL, 10, model_payload()),
            change("nomenclature_term", code_uuid, 10, code_payload),
            change("safety_notice", notice, 10, {"title": "Rappel"}),
        ]
    )
    replayed = [
        change(kind, key, 5, operation="tombstone")
        for kind, key in [
            ("manufacturer", MAKER),
            ("device_model", MODEL),
            ("nomenclature_term", code_uuid),
            ("safety_notice", notice),
        ]
    ]
    assert apply_changes(replayed) == 0
    for model in (ReferenceManufacturer, ReferenceDeviceModel, ReferenceTerm, ReferenceEntity):
        assert model.objects.get().status == "active"
    # A newer tombstone marks the row deleted (kept: devices may still point at it).
    assert apply_changes([change("device_model", MODEL, 11, operation="tombstone")]) == 1
    assert ReferenceDeviceModel.objects.get().status == "deleted"


def test_an_older_manufacturer_payload_is_skipped_one_by_one(in_alpha):
    assert apply_entity("manufacturer", MAKER, {"name": "Dräger", "country": "DE"}, 8)
    assert not apply_entity("manufacturer", MAKER, {"name": "Draeger old", "country": "FR"}, 3)
    maker = ReferenceManufacturer.objects.get()
    assert (maker.name, maker.country, maker.seq) == ("Dräger", "DE", 8)


def test_a_page_carrying_one_code_twice_applies_its_newest_payload(in_alpha):
    from tenants.mirror.models import ReferenceTerm
    from tenants.mirror.services import apply_terms

    assert apply_terms([term("Z12", 4, label_en="B"), term("Z12", 6, label_en="C")]) == 1
    assert apply_terms([term("Z12", 9, label_en="E"), term("Z12", 7, label_en="D")]) == 1
    assert ReferenceTerm.objects.get().label_en == "E"
