"""Existing plan lines take their reference (PLN-<year of creation>-<n>), in the order they
were created; then the reference becomes unique (0006). Data only: the schema changes are
0004 and 0006, each in its own migration as Django asks for a unique field added to existing
rows."""

from typing import Any

from django.db import migrations

from tenants.numbering.backfill import forget_numbers, number_existing

PREFIX = "PLN"


def number_lines(apps: Any, schema_editor: Any) -> None:
    number_existing(apps.get_model("plan", "PlanLine"), PREFIX, schema_editor.connection)


def forget_line_numbers(apps: Any, schema_editor: Any) -> None:
    forget_numbers(
        apps.get_model("plan", "PlanLine"),
        apps.get_model("numbering", "Counter"),
        PREFIX,
        schema_editor.connection,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("plan", "0004_planline_reference"),
        ("numbering", "0001_initial"),
    ]

    operations = [migrations.RunPython(number_lines, forget_line_numbers)]
