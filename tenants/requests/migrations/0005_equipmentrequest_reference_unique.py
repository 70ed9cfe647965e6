# Every request has its reference (0004): no two alike from now on.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("requests", "0004_number_existing_requests"),
    ]

    operations = [
        migrations.AlterField(
            model_name="equipmentrequest",
            name="reference",
            field=models.CharField(
                editable=False, max_length=20, unique=True, verbose_name="reference"
            ),
        ),
        migrations.AlterField(
            model_name="equipmentrequestaudit",
            name="reference",
            field=models.CharField(editable=False, max_length=20, verbose_name="reference"),
        ),
    ]
