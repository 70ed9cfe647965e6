# Every plan line has its reference (0005): no two alike from now on.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("plan", "0005_number_existing_lines"),
    ]

    operations = [
        migrations.AlterField(
            model_name="planline",
            name="reference",
            field=models.CharField(
                editable=False, max_length=20, unique=True, verbose_name="reference"
            ),
        ),
        migrations.AlterField(
            model_name="planlineaudit",
            name="reference",
            field=models.CharField(editable=False, max_length=20, verbose_name="reference"),
        ),
    ]
