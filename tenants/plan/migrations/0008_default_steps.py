"""The follow-up steps every hospital starts with (tenants/plan/steps.py names and labels
them); the administrator renames, hides or adds steps afterwards."""

from django.db import migrations

STEPS = {
    "equipment": [
        "need",
        "trials",
        "procedure",
        "quotes",
        "order",
        "delivery",
        "commissioning",
    ],
    "works": ["study", "authorisation", "preparation", "execution", "acceptance"],
    "software": ["need", "procedure", "order", "installation", "go_live"],
}


def add_steps(apps, schema_editor):
    StepDefinition = apps.get_model("plan", "StepDefinition")
    for nature, codes in STEPS.items():
        for position, code in enumerate(codes, start=1):
            StepDefinition.objects.get_or_create(
                nature=nature,
                code=code,
                defaults={"position": position * 10, "builtin": True},
            )


class Migration(migrations.Migration):
    dependencies = [("plan", "0007_follow_up")]
    # Undone with 0007, which drops the table (lines' steps keep definitions from deletion).
    operations = [migrations.RunPython(add_steps, migrations.RunPython.noop)]
