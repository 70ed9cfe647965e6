"""The markets, lots and purchasing bodies the mirror kept as generic payload rows, moved into
this app's tables (through the sync's own functions) and removed from the mirror."""

from django.db import DatabaseError, migrations, transaction

TYPES = ("purchasing_body", "market", "lot")


def move(apps, schema_editor):  # type: ignore[no-untyped-def]
    from tenants.markets.sync import Tables, apply_to

    ReferenceEntity = apps.get_model("mirror", "ReferenceEntity")
    tables = Tables(
        apps.get_model("markets", "PurchasingBody"),
        apps.get_model("markets", "Market"),
        apps.get_model("markets", "Lot"),
        apps.get_model("markets", "Supplier"),
    )
    rows = ReferenceEntity.objects.filter(entity_type__in=TYPES)
    for row in rows.order_by("seq"):
        # A tombstone left the mirror's row with its last payload and status "deleted".
        payload = {**row.payload, "status": row.status} if row.status == "deleted" else row.payload
        change = {
            "entity_type": row.entity_type,
            "entity_uuid": str(row.uuid),
            "seq": row.seq,
            "operation": "upsert",
            "payload": payload,
        }
        try:
            with transaction.atomic():
                apply_to(tables, [change])
        except (KeyError, ValueError, TypeError, DatabaseError):
            continue  # a payload the reference server never sent: the next snapshot brings it
    rows.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("markets", "0002_central_sync_fields"),
        ("mirror", "0006_audit_trail"),
    ]

    operations = [migrations.RunPython(move, migrations.RunPython.noop)]
