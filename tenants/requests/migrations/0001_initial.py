"""The requests' models move here from the campaigns app, with their tables and their history.

State only for the tables: nothing is created, renamed or copied (Meta.db_table keeps the
campaigns_* names, and so do the audit tables). The audit triggers are what the database
must change: pgtrigger names a trigger and its function after a hash of "app.Model:name"
(``pgtrigger_insert_insert_cc2fb`` for campaigns.EquipmentRequest), so under the new label
the same triggers carry new names. ``rename_triggers`` drops the old ones with their
functions and installs the new ones, each compiled by its own migration state; without it,
pgtrigger would see the old ones as foreign and the new ones as missing.
"""

from typing import Any

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


MOVED_TRACKED = ("equipmentrequest", "requestpart")


def _swap_triggers(apps: Any, schema_editor: Any, *, old: str, new: str) -> None:
    for name in MOVED_TRACKED:
        for trigger in apps.get_model(old, name)._meta.triggers:
            schema_editor.execute(trigger.uninstall_sql, params=None)
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {trigger.sql.pgid}()", params=None)
        for trigger in apps.get_model(new, name)._meta.triggers:
            schema_editor.execute(trigger.install_sql, params=None)


def rename_triggers(apps: Any, schema_editor: Any) -> None:
    _swap_triggers(apps, schema_editor, old="campaigns", new="requests")


def restore_triggers(apps: Any, schema_editor: Any) -> None:
    _swap_triggers(apps, schema_editor, old="requests", new="campaigns")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('access', '0003_audit_trail'),
        ('campaigns', '0005_audit_trail'),
        ('inventory', '0003_audit_trail'),
        ('mirror', '0006_audit_trail'),
        ('pghistory', '0007_auto_20250421_0444'),
        ('structure', '0005_audit_trail'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='EquipmentRequest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('nature', models.CharField(choices=[('equipment', 'Equipment'), ('works', 'Works'), ('software', 'Software')], max_length=12, verbose_name='nature')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('argument', models.TextField(blank=True, verbose_name='argument')),
                        ('priority', models.PositiveSmallIntegerField(choices=[(1, '1 — critical (safety, continuity of care)'), (2, '2 — high'), (3, '3 — normal'), (4, '4 — low')], default=3, verbose_name='priority')),
                        ('nomenclature_code', models.CharField(blank=True, max_length=60, verbose_name='nomenclature code')),
                        ('state', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('pole_opinion', 'Head of pôle opinion given'), ('dispatched', 'Dispatched'), ('expertised', 'Expertised'), ('validated', 'Validated by management'), ('granted', 'Granted'), ('deferred', 'Deferred'), ('refused', 'Refused'), ('more_information', 'More information asked')], default='draft', max_length=20, verbose_name='state')),
                        ('resume_state', models.CharField(blank=True, max_length=20)),
                        ('granted_amount', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='granted (€)')),
                        ('created', models.DateTimeField(auto_now_add=True)),
                        ('updated', models.DateTimeField(auto_now=True)),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='requests', to='campaigns.campaign')),
                        ('carried_from', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='carried_to', to='requests.equipmentrequest', verbose_name='carried over from')),
                        ('domain', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='requests', to='access.expertisedomain', verbose_name='expertise domain')),
                        ('reference_model', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='requests', to='mirror.referencedevicemodel', verbose_name='reference model')),
                        ('replaces', models.ManyToManyField(blank=True, related_name='replacement_requests', to='inventory.device', verbose_name='replaces')),
                        ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('uf', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='requests', to='structure.functionalunit', verbose_name='UF')),
                    ],
                    options={
                        'db_table': 'campaigns_equipmentrequest',
                        'ordering': ['-created'],
                    },
                ),
                migrations.CreateModel(
                    name='EquipmentRequestAudit',
                    fields=[
                        ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                        ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                        ('pgh_label', models.TextField(help_text='The event label.')),
                        ('id', models.BigIntegerField()),
                        ('nature', models.CharField(choices=[('equipment', 'Equipment'), ('works', 'Works'), ('software', 'Software')], max_length=12, verbose_name='nature')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('argument', models.TextField(blank=True, verbose_name='argument')),
                        ('priority', models.PositiveSmallIntegerField(choices=[(1, '1 — critical (safety, continuity of care)'), (2, '2 — high'), (3, '3 — normal'), (4, '4 — low')], default=3, verbose_name='priority')),
                        ('nomenclature_code', models.CharField(blank=True, max_length=60, verbose_name='nomenclature code')),
                        ('state', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('pole_opinion', 'Head of pôle opinion given'), ('dispatched', 'Dispatched'), ('expertised', 'Expertised'), ('validated', 'Validated by management'), ('granted', 'Granted'), ('deferred', 'Deferred'), ('refused', 'Refused'), ('more_information', 'More information asked')], default='draft', max_length=20, verbose_name='state')),
                        ('resume_state', models.CharField(blank=True, max_length=20)),
                        ('granted_amount', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='granted (€)')),
                        ('created', models.DateTimeField(auto_now_add=True)),
                        ('updated', models.DateTimeField(auto_now=True)),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('campaign', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='campaigns.campaign')),
                        ('carried_from', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='requests.equipmentrequest', verbose_name='carried over from')),
                        ('domain', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='access.expertisedomain', verbose_name='expertise domain')),
                        ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                        ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='audit_events', to='requests.equipmentrequest')),
                        ('reference_model', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='mirror.referencedevicemodel', verbose_name='reference model')),
                        ('requested_by', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL)),
                        ('uf', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='structure.functionalunit', verbose_name='UF')),
                    ],
                    options={
                        'db_table': 'campaigns_equipmentrequestaudit',
                        'abstract': False,
                    },
                ),
                migrations.CreateModel(
                    name='RequestEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('action', models.CharField(max_length=30, verbose_name='action')),
                        ('from_state', models.CharField(max_length=20)),
                        ('to_state', models.CharField(max_length=20)),
                        ('at', models.DateTimeField(auto_now_add=True)),
                        ('reason', models.TextField(blank=True, verbose_name='why')),
                        ('data', models.JSONField(blank=True, default=dict)),
                        ('actor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='requests.equipmentrequest')),
                    ],
                    options={
                        'db_table': 'campaigns_requestevent',
                        'ordering': ['at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='RequestPart',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('investment', 'Investment'), ('maintenance', 'Maintenance'), ('consumables', 'Consumables'), ('works', 'Works'), ('it', 'IT')], max_length=12, verbose_name='kind')),
                        ('description', models.CharField(blank=True, max_length=300, verbose_name='description')),
                        ('quantity', models.PositiveIntegerField(default=1, verbose_name='quantity')),
                        ('unit_price', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='estimated unit price (€)')),
                        ('favourable', models.BooleanField(blank=True, null=True, verbose_name='favourable opinion')),
                        ('opinion', models.TextField(blank=True, verbose_name='expert opinion')),
                        ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='parts', to='requests.equipmentrequest')),
                    ],
                    options={
                        'db_table': 'campaigns_requestpart',
                        'ordering': ['pk'],
                    },
                ),
                migrations.CreateModel(
                    name='RequestPartAudit',
                    fields=[
                        ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                        ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                        ('pgh_label', models.TextField(help_text='The event label.')),
                        ('id', models.BigIntegerField()),
                        ('kind', models.CharField(choices=[('investment', 'Investment'), ('maintenance', 'Maintenance'), ('consumables', 'Consumables'), ('works', 'Works'), ('it', 'IT')], max_length=12, verbose_name='kind')),
                        ('description', models.CharField(blank=True, max_length=300, verbose_name='description')),
                        ('quantity', models.PositiveIntegerField(default=1, verbose_name='quantity')),
                        ('unit_price', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='estimated unit price (€)')),
                        ('favourable', models.BooleanField(blank=True, null=True, verbose_name='favourable opinion')),
                        ('opinion', models.TextField(blank=True, verbose_name='expert opinion')),
                        ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                        ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='audit_events', to='requests.requestpart')),
                        ('request', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='requests.equipmentrequest')),
                    ],
                    options={
                        'db_table': 'campaigns_requestpartaudit',
                        'abstract': False,
                    },
                ),
                migrations.AddIndex(
                    model_name='equipmentrequest',
                    index=models.Index(fields=['campaign', 'state'], name='request_campaign_state'),
                ),
                migrations.AddConstraint(
                    model_name='equipmentrequest',
                    constraint=models.CheckConstraint(condition=models.Q(('granted_amount__isnull', True), ('granted_amount__gte', 0), _connector='OR'), name='request_granted_positive'),
                ),
                pgtrigger.migrations.AddTrigger(
                    model_name='equipmentrequest',
                    trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "campaigns_equipmentrequestaudit" ("argument", "campaign_id", "carried_from_id", "created", "domain_id", "granted_amount", "id", "nature", "nomenclature_code", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "priority", "reference_model_id", "requested_by_id", "resume_state", "state", "title", "uf_id", "updated", "version") SELECT new_values."argument", new_values."campaign_id", new_values."carried_from_id", new_values."created", new_values."domain_id", new_values."granted_amount", new_values."id", new_values."nature", new_values."nomenclature_code", _pgh_attached_context.value, NOW(), \'insert\', new_values."id", new_values."priority", new_values."reference_model_id", new_values."requested_by_id", new_values."resume_state", new_values."state", new_values."title", new_values."uf_id", new_values."updated", new_values."version" FROM ( SELECT new_values.* FROM new_values  ) AS new_values, _pgh_attached_context; RETURN NULL;', hash='690d9395e8f916838534f81e9e7a6ff818708e8f', level='STATEMENT', operation='INSERT', pgid='pgtrigger_insert_insert_edd08', referencing='REFERENCING NEW TABLE AS new_values ', table='campaigns_equipmentrequest', when='AFTER')),
                ),
                pgtrigger.migrations.AddTrigger(
                    model_name='equipmentrequest',
                    trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "campaigns_equipmentrequestaudit" ("argument", "campaign_id", "carried_from_id", "created", "domain_id", "granted_amount", "id", "nature", "nomenclature_code", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "priority", "reference_model_id", "requested_by_id", "resume_state", "state", "title", "uf_id", "updated", "version") SELECT new_values."argument", new_values."campaign_id", new_values."carried_from_id", new_values."created", new_values."domain_id", new_values."granted_amount", new_values."id", new_values."nature", new_values."nomenclature_code", _pgh_attached_context.value, NOW(), \'update\', new_values."id", new_values."priority", new_values."reference_model_id", new_values."requested_by_id", new_values."resume_state", new_values."state", new_values."title", new_values."uf_id", new_values."updated", new_values."version" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values.* IS DISTINCT FROM new_values.*) ) AS new_values, _pgh_attached_context; RETURN NULL;', hash='1611e18e9975062fe7812f5a78218c5ec5fd89b7', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_3ad2d', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='campaigns_equipmentrequest', when='AFTER')),
                ),
                pgtrigger.migrations.AddTrigger(
                    model_name='equipmentrequest',
                    trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "campaigns_equipmentrequestaudit" ("argument", "campaign_id", "carried_from_id", "created", "domain_id", "granted_amount", "id", "nature", "nomenclature_code", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "priority", "reference_model_id", "requested_by_id", "resume_state", "state", "title", "uf_id", "updated", "version") SELECT old_values."argument", old_values."campaign_id", old_values."carried_from_id", old_values."created", old_values."domain_id", old_values."granted_amount", old_values."id", old_values."nature", old_values."nomenclature_code", _pgh_attached_context.value, NOW(), \'delete\', old_values."id", old_values."priority", old_values."reference_model_id", old_values."requested_by_id", old_values."resume_state", old_values."state", old_values."title", old_values."uf_id", old_values."updated", old_values."version" FROM ( SELECT old_values.* FROM old_values  ) AS old_values, _pgh_attached_context; RETURN NULL;', hash='481cd3a9b6cad102a83fa581cb04ff1cdde4c49e', level='STATEMENT', operation='DELETE', pgid='pgtrigger_delete_delete_468c8', referencing='REFERENCING OLD TABLE AS old_values ', table='campaigns_equipmentrequest', when='AFTER')),
                ),
                migrations.AddConstraint(
                    model_name='requestpart',
                    constraint=models.CheckConstraint(condition=models.Q(('quantity__gte', 1)), name='part_quantity_positive'),
                ),
                migrations.AddConstraint(
                    model_name='requestpart',
                    constraint=models.CheckConstraint(condition=models.Q(('unit_price__gte', 0)), name='part_price_positive'),
                ),
                pgtrigger.migrations.AddTrigger(
                    model_name='requestpart',
                    trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "campaigns_requestpartaudit" ("description", "favourable", "id", "kind", "opinion", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "quantity", "request_id", "unit_price") SELECT new_values."description", new_values."favourable", new_values."id", new_values."kind", new_values."opinion", _pgh_attached_context.value, NOW(), \'insert\', new_values."id", new_values."quantity", new_values."request_id", new_values."unit_price" FROM ( SELECT new_values.* FROM new_values  ) AS new_values, _pgh_attached_context; RETURN NULL;', hash='08cbae9f15aacd1804c997acdcc88533dd04355a', level='STATEMENT', operation='INSERT', pgid='pgtrigger_insert_insert_c4ff3', referencing='REFERENCING NEW TABLE AS new_values ', table='campaigns_requestpart', when='AFTER')),
                ),
                pgtrigger.migrations.AddTrigger(
                    model_name='requestpart',
                    trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "campaigns_requestpartaudit" ("description", "favourable", "id", "kind", "opinion", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "quantity", "request_id", "unit_price") SELECT new_values."description", new_values."favourable", new_values."id", new_values."kind", new_values."opinion", _pgh_attached_context.value, NOW(), \'update\', new_values."id", new_values."quantity", new_values."request_id", new_values."unit_price" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values.* IS DISTINCT FROM new_values.*) ) AS new_values, _pgh_attached_context; RETURN NULL;', hash='836ad5834eba8a2eb7bd4a863ba419656f30f213', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_a1a99', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='campaigns_requestpart', when='AFTER')),
                ),
                pgtrigger.migrations.AddTrigger(
                    model_name='requestpart',
                    trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "campaigns_requestpartaudit" ("description", "favourable", "id", "kind", "opinion", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "quantity", "request_id", "unit_price") SELECT old_values."description", old_values."favourable", old_values."id", old_values."kind", old_values."opinion", _pgh_attached_context.value, NOW(), \'delete\', old_values."id", old_values."quantity", old_values."request_id", old_values."unit_price" FROM ( SELECT old_values.* FROM old_values  ) AS old_values, _pgh_attached_context; RETURN NULL;', hash='2ef3f2e441b114f3c6c99709cd20fb72b5df5068', level='STATEMENT', operation='DELETE', pgid='pgtrigger_delete_delete_fe626', referencing='REFERENCING OLD TABLE AS old_values ', table='campaigns_requestpart', when='AFTER')),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_triggers, restore_triggers),
    ]
