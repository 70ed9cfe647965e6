"""The moved models' content types take the new app label, keeping their ids.

Documents and comments name their object by content type (a generic relation), and so do
the permissions: renaming the rows keeps every attachment on its request. A schema migrated
from scratch has no such rows yet (they are made after the migrations): nothing to do.
"""

from typing import Any

from django.db import migrations

MOVED = (
    "equipmentrequest",
    "equipmentrequestaudit",
    "requestevent",
    "requestpart",
    "requestpartaudit",
)


def _relabel(apps: Any, schema_editor: Any, *, old: str, new: str) -> None:
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(
        schema_editor.connection.alias
    )
    for model in MOVED:
        found = content_types.filter(app_label=old, model=model).first()
        if found is None:
            continue
        # A run stopped between the two migrations lets Django create the new label's row:
        # what points at it moves to the row that carries the history, and it goes.
        made = content_types.filter(app_label=new, model=model).first()
        if made is not None:
            for related in apps.get_models():
                if related._meta.label_lower == "auth.permission":
                    continue  # the new row's permissions go with it; the old row keeps its own
                for field in related._meta.concrete_fields:
                    if field.is_relation and field.related_model._meta.label_lower == (
                        "contenttypes.contenttype"
                    ):
                        related._default_manager.using(schema_editor.connection.alias).filter(
                            **{field.name: made}
                        ).update(**{field.name: found})
            made.delete()
        found.app_label = new
        found.save(update_fields=["app_label"])


def follow_the_move(apps: Any, schema_editor: Any) -> None:
    _relabel(apps, schema_editor, old="campaigns", new="requests")


def move_back(apps: Any, schema_editor: Any) -> None:
    _relabel(apps, schema_editor, old="requests", new="campaigns")


class Migration(migrations.Migration):
    dependencies = [
        ("requests", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("documents", "0002_audit_trail"),
    ]

    operations = [migrations.RunPython(follow_the_move, move_back)]
