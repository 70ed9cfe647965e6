# The model moves from the structure app; its table stays (state only, nothing in the database).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0002_import_job_kind_structure"),
        ("structure", "0003_import_mapping"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ImportMapping",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("kind", models.CharField(max_length=40, unique=True)),
                        ("mapping", models.JSONField(default=dict)),
                        ("updated", models.DateTimeField(auto_now=True)),
                    ],
                    options={"db_table": "structure_importmapping"},
                ),
            ],
            database_operations=[],
        ),
    ]
