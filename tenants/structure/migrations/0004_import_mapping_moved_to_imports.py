# The model now belongs to the imports app, on the same table (state only).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("structure", "0003_import_mapping"),
        ("imports", "0003_import_mapping_moved_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ImportMapping")],
            database_operations=[],
        ),
    ]
