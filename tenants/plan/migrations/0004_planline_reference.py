# A plan line's reference (PLN-2027-00042), empty on the rows that exist; 0005 numbers them
# and 0006 makes it unique. The audit table records it too (its triggers are compiled again).

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("plan", "0003_request_moved_to_requests"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="planline",
            name="insert_insert",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="planline",
            name="update_update",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="planline",
            name="delete_delete",
        ),
        migrations.AddField(
            model_name="planline",
            name="reference",
            field=models.CharField(
                default="", editable=False, max_length=20, verbose_name="reference"
            ),
        ),
        migrations.AddField(
            model_name="planlineaudit",
            name="reference",
            field=models.CharField(
                default="", editable=False, max_length=20, verbose_name="reference"
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="planline",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "plan_planlineaudit" ("amount", "campaign_id", "created", "created_by_id", "id", "nature", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reference", "request_id", "status", "title", "uf_id", "year") SELECT new_values."amount", new_values."campaign_id", new_values."created", new_values."created_by_id", new_values."id", new_values."nature", _pgh_attached_context.value, NOW(), \'insert\', new_values."id", new_values."reference", new_values."request_id", new_values."status", new_values."title", new_values."uf_id", new_values."year" FROM ( SELECT new_values.* FROM new_values  ) AS new_values, _pgh_attached_context; RETURN NULL;',
                    hash="7956d92440cd0d2eb73a16b76c838a3fe584d778",
                    level="STATEMENT",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_7e565",
                    referencing="REFERENCING NEW TABLE AS new_values ",
                    table="plan_planline",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="planline",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "plan_planlineaudit" ("amount", "campaign_id", "created", "created_by_id", "id", "nature", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reference", "request_id", "status", "title", "uf_id", "year") SELECT new_values."amount", new_values."campaign_id", new_values."created", new_values."created_by_id", new_values."id", new_values."nature", _pgh_attached_context.value, NOW(), \'update\', new_values."id", new_values."reference", new_values."request_id", new_values."status", new_values."title", new_values."uf_id", new_values."year" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values.* IS DISTINCT FROM new_values.*) ) AS new_values, _pgh_attached_context; RETURN NULL;',
                    hash="bd7ecf883957cac616414685e82124d87b64010d",
                    level="STATEMENT",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_2bc1a",
                    referencing="REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ",
                    table="plan_planline",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="planline",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "plan_planlineaudit" ("amount", "campaign_id", "created", "created_by_id", "id", "nature", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reference", "request_id", "status", "title", "uf_id", "year") SELECT old_values."amount", old_values."campaign_id", old_values."created", old_values."created_by_id", old_values."id", old_values."nature", _pgh_attached_context.value, NOW(), \'delete\', old_values."id", old_values."reference", old_values."request_id", old_values."status", old_values."title", old_values."uf_id", old_values."year" FROM ( SELECT old_values.* FROM old_values  ) AS old_values, _pgh_attached_context; RETURN NULL;',
                    hash="391b89ca5b5cf2ff822d9959c8a6a07bcdff78be",
                    level="STATEMENT",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_20a38",
                    referencing="REFERENCING OLD TABLE AS old_values ",
                    table="plan_planline",
                    when="AFTER",
                ),
            ),
        ),
    ]
