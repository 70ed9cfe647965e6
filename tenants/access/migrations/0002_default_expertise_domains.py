"""The expertise domains every hospital starts with; administrators may add their own."""

from django.db import migrations

DOMAINS = [
    ("biomedical", "Biomédical"),
    ("it", "Informatique"),
    ("works", "Travaux"),
    ("hotel", "Hôtelier et logistique"),
]


def add_domains(apps, schema_editor):
    ExpertiseDomain = apps.get_model("access", "ExpertiseDomain")
    for code, name in DOMAINS:
        ExpertiseDomain.objects.get_or_create(code=code, defaults={"name": name})


def remove_domains(apps, schema_editor):
    ExpertiseDomain = apps.get_model("access", "ExpertiseDomain")
    ExpertiseDomain.objects.filter(code__in=[code for code, _ in DOMAINS]).delete()


class Migration(migrations.Migration):
    dependencies = [("access", "0001_initial")]
    operations = [migrations.RunPython(add_domains, remove_domains)]
