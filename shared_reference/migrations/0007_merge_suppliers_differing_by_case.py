"""Suppliers whose names differ only by their case ("PHILIPS FRANCE", "Philips France")
merged into one, before the next migration makes the name unique whatever its case.

Merged rather than refused: they are one company typed twice (the lot form already matched
names whatever their case, so only an older import or a typed variant made the second), and
a curator would otherwise have to clean the rows by hand before the server could start. The
oldest row is kept, with its name as written and its UUID (what the hospitals already know);
the others' lots name it instead, and go out again with the next release. A SIREN only a
merged row had is kept. Not reversible: the merged rows are gone (the audit trail has them).
"""

from django.db import migrations
from django.db.models import Count
from django.db.models.functions import Upper


def merge_case_variants(apps, schema_editor):  # type: ignore[no-untyped-def]
    Supplier = apps.get_model("shared_reference", "Supplier")
    Lot = apps.get_model("shared_reference", "Lot")
    twice = (
        Supplier.objects.annotate(key=Upper("name"))
        .order_by()
        .values("key")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("key", flat=True)
    )
    for key in list(twice):
        kept, *others = Supplier.objects.annotate(key=Upper("name")).filter(key=key).order_by("pk")
        for other in others:
            for lot in Lot.objects.filter(suppliers=other):
                lot.suppliers.remove(other)
                lot.suppliers.add(kept)
                lot.dirty = True
                lot.save(update_fields=["dirty"])
            if not kept.siren and other.siren:
                kept.siren = other.siren
                kept.save(update_fields=["siren"])
            other.delete()


class Migration(migrations.Migration):
    dependencies = [("shared_reference", "0006_market_terms_scopes_documents")]

    operations = [migrations.RunPython(merge_case_variants, migrations.RunPython.noop)]
