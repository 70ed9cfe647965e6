"""Existing requests take their reference (DEM-<year of creation>-<n>), in the order they were
created; then the reference becomes unique (0005). Data only: the schema changes are 0003 and
0005, each in its own migration as Django asks for a unique field added to existing rows."""

from typing import Any

from django.db import migrations

from tenants.numbering.backfill import forget_numbers, number_existing

PREFIX = "DEM"


def number_requests(apps: Any, schema_editor: Any) -> None:
    number_existing(
        apps.get_model("requests", "EquipmentRequest"), PREFIX, schema_editor.connection
    )


def forget_request_numbers(apps: Any, schema_editor: Any) -> None:
    forget_numbers(
        apps.get_model("requests", "EquipmentRequest"),
        apps.get_model("numbering", "Counter"),
        PREFIX,
        schema_editor.connection,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("requests", "0003_equipmentrequest_reference"),
        ("numbering", "0001_initial"),
    ]

    operations = [migrations.RunPython(number_requests, forget_request_numbers)]
