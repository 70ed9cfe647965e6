# A request's reference (DEM-2027-00042), empty on the rows that exist; 0004 numbers them and
# 0005 makes it unique. The audit table records it too (its triggers are compiled again).

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("requests", "0002_content_types"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="equipmentrequest",
            name="insert_insert",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="equipmentrequest",
            name="update_update",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="equipmentrequest",
            name="delete_delete",
        ),
        migrations.AddField(
            model_name="equipmentrequest",
            name="reference",
            field=models.CharField(
                default="", editable=False, max_length=20, verbose_name="reference"
            ),
        ),
        migrations.AddField(
            model_name="equipmentrequestaudit",
            name="reference",
            field=models.CharField(
                default="", editable=False, max_length=20, verbose_name="reference"
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="equipmentrequest",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "campaigns_equipmentrequestaudit" ("argument", "campaign_id", "carried_from_id", "created", "domain_id", "granted_amount", "id", "nature", "nomenclature_code", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "priority", "reference", "reference_model_id", "requested_by_id", "resume_state", "state", "title", "uf_id", "updated", "version") SELECT new_values."argument", new_values."campaign_id", new_values."carried_from_id", new_values."created", new_values."domain_id", new_values."granted_amount", new_values."id", new_values."nature", new_values."nomenclature_code", _pgh_attached_context.value, NOW(), \'insert\', new_values."id", new_values."priority", new_values."reference", new_values."reference_model_id", new_values."requested_by_id", new_values."resume_state", new_values."state", new_values."title", new_values."uf_id", new_values."updated", new_values."version" FROM ( SELECT new_values.* FROM new_values  ) AS new_values, _pgh_attached_context; RETURN NULL;',
                    hash="09cae3bee293cda22e2282e045149ab79ea51b48",
                    level="STATEMENT",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_edd08",
                    referencing="REFERENCING NEW TABLE AS new_values ",
                    table="campaigns_equipmentrequest",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="equipmentrequest",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "campaigns_equipmentrequestaudit" ("argument", "campaign_id", "carried_from_id", "created", "domain_id", "granted_amount", "id", "nature", "nomenclature_code", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "priority", "reference", "reference_model_id", "requested_by_id", "resume_state", "state", "title", "uf_id", "updated", "version") SELECT new_values."argument", new_values."campaign_id", new_values."carried_from_id", new_values."created", new_values."domain_id", new_values."granted_amount", new_values."id", new_values."nature", new_values."nomenclature_code", _pgh_attached_context.value, NOW(), \'update\', new_values."id", new_values."priority", new_values."reference", new_values."reference_model_id", new_values."requested_by_id", new_values."resume_state", new_values."state", new_values."title", new_values."uf_id", new_values."updated", new_values."version" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values.* IS DISTINCT FROM new_values.*) ) AS new_values, _pgh_attached_context; RETURN NULL;',
                    hash="3eccfc027a7f49ff80e95450336535672e2f1386",
                    level="STATEMENT",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_3ad2d",
                    referencing="REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ",
                    table="campaigns_equipmentrequest",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="equipmentrequest",
            trigger=pgtrigger.compiler.Trigger(
                name="delete_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "campaigns_equipmentrequestaudit" ("argument", "campaign_id", "carried_from_id", "created", "domain_id", "granted_amount", "id", "nature", "nomenclature_code", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "priority", "reference", "reference_model_id", "requested_by_id", "resume_state", "state", "title", "uf_id", "updated", "version") SELECT old_values."argument", old_values."campaign_id", old_values."carried_from_id", old_values."created", old_values."domain_id", old_values."granted_amount", old_values."id", old_values."nature", old_values."nomenclature_code", _pgh_attached_context.value, NOW(), \'delete\', old_values."id", old_values."priority", old_values."reference", old_values."reference_model_id", old_values."requested_by_id", old_values."resume_state", old_values."state", old_values."title", old_values."uf_id", old_values."updated", old_values."version" FROM ( SELECT old_values.* FROM old_values  ) AS old_values, _pgh_attached_context; RETURN NULL;',
                    hash="e17218a4d23965926692ece81b72ae2d30338bfa",
                    level="STATEMENT",
                    operation="DELETE",
                    pgid="pgtrigger_delete_delete_468c8",
                    referencing="REFERENCING OLD TABLE AS old_values ",
                    table="campaigns_equipmentrequest",
                    when="AFTER",
                ),
            ),
        ),
    ]
