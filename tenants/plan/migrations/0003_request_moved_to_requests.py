# A plan line's request is now the requests app's model, on the same table (state only: the
# foreign keys already point at campaigns_equipmentrequest).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("plan", "0002_audit_trail"),
        ("requests", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="planline",
                    name="request",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="plan_line",
                        to="requests.equipmentrequest",
                        verbose_name="request",
                    ),
                ),
                migrations.AlterField(
                    model_name="planlineaudit",
                    name="request",
                    field=models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="requests.equipmentrequest",
                        verbose_name="request",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
