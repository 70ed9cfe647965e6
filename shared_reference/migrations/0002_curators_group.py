"""The group whose members (public-schema users) curate the references."""

from django.db import migrations


def add_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="curators")


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="curators").delete()


class Migration(migrations.Migration):
    dependencies = [("shared_reference", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(add_group, remove_group)]
