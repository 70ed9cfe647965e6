"""Every registered Celery task says on which side it runs: a tenant's schema or the platform."""

from celery import Task

from saas.celery import PlatformTask, TenantOnlyTask, app

OUR_PACKAGES = ("saas.", "tenants.", "shared_reference.", "api.")
# Tasks of tenants/ modules that run in the public schema on purpose: each visits the tenants
# with schema_context itself. A new one is a decision to make here, not a default.
PLATFORM_TASKS_IN_TENANT_MODULES = {
    "tenants.alerts.tasks.send_all_digests",
    "tenants.plan.tasks.send_all_reminders",
    "tenants.loans.tasks.send_all_reminders",
    "tenants.trials.tasks.send_all_reminders",
    "tenants.controls.tasks.run_all_checks",
    "tenants.notifications.tasks.send_all_digests",
}


def our_tasks() -> dict[str, Task]:
    app.loader.import_default_modules()  # what a worker registers at start (autodiscover)
    return {
        name: task
        for name, task in app.tasks.items()
        if type(task).__module__.startswith(OUR_PACKAGES) or name.startswith(OUR_PACKAGES)
    }


def test_the_walk_finds_the_tasks_of_every_app():
    names = set(our_tasks())
    assert {
        "saas.tenancy.tasks.provision_tenant",
        "tenants.tables.tasks.run_export",
        "tenants.imports.tasks.run_import",
        "tenants.mirror.tasks.sync_reference",
        "saas.reference_sync.tasks.fan_out_release",
    } <= names


def test_every_task_declares_its_side():
    undeclared = [
        name
        for name, task in our_tasks().items()
        if not isinstance(task, TenantOnlyTask | PlatformTask)
    ]
    assert undeclared == [], "use base=TenantOnlyTask (or PlatformTask for platform work)"


def test_every_task_of_a_tenant_app_refuses_to_run_without_its_tenant():
    loose = [
        name
        for name, task in our_tasks().items()
        if type(task).__module__.startswith("tenants.")
        and not isinstance(task, TenantOnlyTask)
        and name not in PLATFORM_TASKS_IN_TENANT_MODULES
    ]
    assert loose == [], "a task of tenants/ reads tenant data: base=TenantOnlyTask"


def test_platform_tasks_in_tenant_apps_are_the_known_fan_outs():
    for name in PLATFORM_TASKS_IN_TENANT_MODULES:
        assert isinstance(our_tasks()[name], PlatformTask), name
