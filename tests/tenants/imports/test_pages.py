"""The imports page and the tabular imports' pages: who sees which kind, upload, report."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from tenants.access.models import Role, ScopeKind
from tenants.access.services import grant_role
from tenants.finance.models import FinanceOrderLine
from tenants.imports.models import ImportJob, ImportMapping
from tenants.imports.services import run_import
from tests.conftest import client_for, host_of
from tests.tenants.inventory.factories import structure

ORDERS = (
    "Exercice;N° commande;N° ligne;UF;Montant engagé\n2026;C1;1;1101;1 200,00\n2026;C1;2;1102;0\n"
).encode()


@pytest.fixture
def units(tenant):
    with tenant_context(tenant):
        return structure()


def person(tenant, make_user, role: Role):
    user = make_user(tenant)
    with tenant_context(tenant):
        grant_role(user, role, ScopeKind.TENANT, by="test")
    return client_for(host_of(tenant), user, tenant)


def test_the_imports_page_lists_only_what_the_persons_roles_import(tenant, make_user, units):
    finance = person(tenant, make_user, Role.FINANCE).get("/imports/", HTTP_ACCEPT_LANGUAGE="en")
    page = finance.content.decode()
    assert finance.status_code == 200
    assert "Finance system: order lines" in page and "/imports/finance_orders/" in page
    assert "Structure" not in page and "CMMS: devices" not in page
    admin = person(tenant, make_user, Role.TENANT_ADMIN).get("/imports/").content.decode()
    for url in ("/structure/import/", "/inventory/import/", "/imports/work_orders/"):
        assert url in admin
    requester = person(tenant, make_user, Role.REQUESTER)
    refused = requester.get("/imports/", HTTP_ACCEPT_LANGUAGE="en")
    assert (
        refused.status_code == 403 and "your roles do not include any" in refused.content.decode()
    )
    assert requester.get("/imports/finance_orders/").status_code == 403


def test_a_kind_that_is_not_a_table_or_does_not_exist_is_not_found(tenant, make_user, units):
    admin = person(tenant, make_user, Role.TENANT_ADMIN)
    assert admin.get("/imports/structure/").status_code == 404
    assert admin.get("/imports/nothing/").status_code == 404
    assert admin.get("/imports/finance_orders/999999/").status_code == 404


def test_an_upload_runs_as_a_job_and_its_report_names_the_counts(
    tenant, make_user, units, django_capture_on_commit_callbacks
):
    finance = person(tenant, make_user, Role.FINANCE)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = finance.post(
            "/imports/finance_orders/",
            {"file": SimpleUploadedFile("magh2.csv", ORDERS), "dry_run": "on"},
        )
    assert response.status_code == 302 and len(queued) == 1
    with tenant_context(tenant):
        job = ImportJob.objects.get()
        assert response["Location"] == f"/imports/finance_orders/{job.pk}/"
        assert ImportMapping.objects.get(kind="finance_orders").mapping["year"] == "Exercice"
        run_import(job.pk)
        assert not FinanceOrderLine.objects.exists()
    page = finance.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2 rows: 2 created" in page and "Apply this import" in page
    with django_capture_on_commit_callbacks(execute=False):
        applied = finance.post(f"/imports/finance_orders/{job.pk}/apply/")
    assert applied.status_code == 302
    with tenant_context(tenant):
        real = ImportJob.objects.exclude(pk=job.pk).get()
        run_import(real.pk)
        assert FinanceOrderLine.objects.count() == 2
    history = finance.get("/imports/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert history.count("magh2.csv") == 2 and "Finance system: order lines" in history


def test_a_job_of_one_kind_is_not_shown_under_another(tenant, make_user, units):
    admin = person(tenant, make_user, Role.TENANT_ADMIN)
    with tenant_context(tenant):
        job = ImportJob.objects.create(kind="finance_orders", filename="x.csv", file="x.csv")
    assert admin.get(f"/imports/finance_orders/{job.pk}/").status_code == 200
    assert admin.get(f"/imports/finance_invoices/{job.pk}/").status_code == 404
    # Work orders are the administrators': finance imports none.
    finance = person(tenant, make_user, Role.FINANCE)
    assert finance.get(f"/imports/work_orders/{job.pk}/").status_code == 403


def test_the_upload_page_lists_the_expected_columns(tenant, make_user, units):
    page = person(tenant, make_user, Role.FINANCE).get(
        "/imports/finance_assets/", HTTP_ACCEPT_LANGUAGE="fr"
    )
    text = page.content.decode()
    assert page.status_code == 200 and "N° fiche" in text and "Date sortie" in text


def test_the_history_links_each_import_to_its_report_and_counts_rows(tenant, make_user, units):
    admin = person(tenant, make_user, Role.TENANT_ADMIN)
    with tenant_context(tenant):
        tabular = ImportJob.objects.create(kind="finance_orders", filename="m.csv", file="m.csv")
        own = ImportJob.objects.create(kind="inventory", filename="g.csv", file="g.csv")
    page = admin.get("/imports/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert f'href="/imports/finance_orders/{tabular.pk}/"' in page
    assert f'href="/inventory/import/{own.pk}/"' in page
    # Counts of rows, not dates.
    assert "Créées" in page and "Créé le" not in page and "Mises à jour" in page
