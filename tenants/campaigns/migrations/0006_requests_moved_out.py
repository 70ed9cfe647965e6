# The requests' models now belong to the requests app, on the same tables (state only; the
# requests app's 0001 renames their audit triggers).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0005_audit_trail"),
        ("requests", "0001_initial"),
        ("plan", "0003_request_moved_to_requests"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="RequestPartAudit"),
                migrations.DeleteModel(name="EquipmentRequestAudit"),
                migrations.DeleteModel(name="RequestEvent"),
                migrations.DeleteModel(name="RequestPart"),
                migrations.DeleteModel(name="EquipmentRequest"),
            ],
            database_operations=[],
        ),
    ]
