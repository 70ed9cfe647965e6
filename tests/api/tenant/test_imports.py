"""Files pushed through the tenant API with an import key: queued as the imports page queues
them, polled, refused files keep their problems and the administrators are told; keys are
per tenant, revocable, and only push the kinds they were given."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from api.tenant.v1.imports import FailedImportKeyThrottle
from tenants.access.models import Role, ScopeKind
from tenants.access.services import grant_role
from tenants.finance.models import FinanceOrderLine
from tenants.imports.models import ImportAPIKey, ImportJob
from tenants.imports.services import create_import_key, revoke_import_key, run_import
from tenants.notifications.models import Notification
from tests.conftest import client_for, host_of
from tests.tenants.inventory.factories import structure

ORDERS = (
    "Exercice;N° commande;N° ligne;UF;Montant engagé\n2026;C1;1;1101;1 200,00\n2026;C1;2;1102;0\n"
).encode()
UPLOAD = "/api/tenant/v1/imports/finance_orders/"


@pytest.fixture
def admin(tenant, make_user):
    user = make_user(tenant)
    with tenant_context(tenant):
        structure()
        grant_role(user, Role.TENANT_ADMIN, ScopeKind.TENANT, by="test")
    return user


def key_for(tenant, admin, kinds=()) -> tuple[ImportAPIKey, str]:
    with tenant_context(tenant):
        return create_import_key("Magh2 nightly", list(kinds), by=admin)


def push(client, secret, path=UPLOAD, **data):
    data.setdefault("file", SimpleUploadedFile("magh2.csv", ORDERS))
    return client.post(path, data, HTTP_AUTHORIZATION=f"Api-Key {secret}")


def test_a_pushed_file_is_queued_as_a_job_and_its_report_is_polled(
    tenant, admin, django_capture_on_commit_callbacks
):
    _key, secret = key_for(tenant, admin)
    client = client_for(host_of(tenant))
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = push(client, secret)
    assert response.status_code == 202 and len(queued) == 1
    body = response.json()
    assert (body["kind"], body["state"], body["dry_run"]) == ("finance_orders", "queued", False)
    assert body["api_key_name"] == "Magh2 nightly"
    assert body["url"].endswith(f"/api/tenant/v1/imports/jobs/{body['id']}/")
    with tenant_context(tenant):
        job = run_import(body["id"])
        assert job.state == ImportJob.State.DONE and job.created_by is None
        assert FinanceOrderLine.objects.count() == 2
        assert not Notification.objects.exists()  # a success tells nobody
    polled = client.get(body["url"], HTTP_AUTHORIZATION=f"Api-Key {secret}")
    assert polled.status_code == 200
    assert polled.json()["state"] == "done" and polled.json()["report"]["created"] == 2


def test_a_dry_run_pushed_changes_nothing(tenant, admin, django_capture_on_commit_callbacks):
    _key, secret = key_for(tenant, admin)
    with django_capture_on_commit_callbacks(execute=False):
        body = push(client_for(host_of(tenant)), secret, dry_run="true").json()
    with tenant_context(tenant):
        assert run_import(body["id"]).state == ImportJob.State.DONE
        assert not FinanceOrderLine.objects.exists()


def test_a_refused_file_keeps_its_problems_and_the_administrators_are_told(
    tenant, admin, django_capture_on_commit_callbacks
):
    _key, secret = key_for(tenant, admin)
    client = client_for(host_of(tenant))
    bad = "Exercice;N° commande;N° ligne;UF;Montant engagé\n2026;C1;1;9999;abc\n".encode()
    with django_capture_on_commit_callbacks(execute=False):
        body = push(client, secret, file=SimpleUploadedFile("bad.csv", bad)).json()
    with tenant_context(tenant):
        assert run_import(body["id"]).state == ImportJob.State.REFUSED
        assert not FinanceOrderLine.objects.exists()
        # Every administrator of the tenant (this one, and the tenant's first), nobody else.
        told = Notification.objects.get(recipient=admin)
        assert told.kind == "imports"
        assert set(Notification.objects.values_list("recipient__grants__role", flat=True)) == {
            Role.TENANT_ADMIN
        }
        assert "bad.csv" in told.subject and "Magh2 nightly" in told.subject
        assert told.url == f"/imports/finance_orders/{body['id']}/"
    polled = client.get(body["url"], HTTP_AUTHORIZATION=f"Api-Key {secret}").json()
    assert polled["state"] == "refused" and polled["problem_count"] >= 1
    assert {"line", "column", "reason"} == set(polled["problems"][0])
    assert any(p["line"] == 2 for p in polled["problems"])


def test_a_file_uploaded_on_the_page_that_is_refused_tells_nobody(tenant, admin):
    with tenant_context(tenant):
        from tenants.imports.services import start_import

        job = start_import(
            "finance_orders",
            SimpleUploadedFile("bad.csv", b"Exercice\n2026\n"),
            mapping={},
            dry_run=False,
            by=admin,
        )
        assert run_import(job.pk).state == ImportJob.State.REFUSED
        assert not Notification.objects.exists()


def test_wrong_revoked_and_missing_keys_are_refused(tenant, admin):
    key, secret = key_for(tenant, admin)
    client = client_for(host_of(tenant))
    assert client.post(UPLOAD, {"file": SimpleUploadedFile("a.csv", ORDERS)}).status_code in (
        401,
        403,
    )
    assert push(client, secret[:-2] + "xx").status_code == 401
    assert push(client, "nothing.here").status_code == 401
    with tenant_context(tenant):
        revoke_import_key(key)
    refused = push(client, secret)
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]
    with tenant_context(tenant):
        assert not ImportJob.objects.exists()


def test_a_session_is_not_a_key(tenant, admin):
    client = client_for(host_of(tenant), admin, tenant)
    response = client.post(UPLOAD, {"file": SimpleUploadedFile("a.csv", ORDERS)})
    assert response.status_code in (401, 403)


def test_another_tenants_key_is_unknown_here(tenant, other_tenant, admin, make_user):
    _key, secret = key_for(tenant, admin)
    with tenant_context(other_tenant):
        jobs = ImportJob.objects.count()
    response = push(client_for(host_of(other_tenant)), secret)
    assert response.status_code == 401
    with tenant_context(other_tenant):
        assert ImportJob.objects.count() == jobs


def test_refused_keys_are_throttled_per_address(tenant, admin, monkeypatch):
    monkeypatch.setattr(FailedImportKeyThrottle, "rate", "3/min", raising=False)
    _key, secret = key_for(tenant, admin)
    client = client_for(host_of(tenant))
    answers = [push(client, "unknown.key").status_code for _ in range(5)]
    assert answers[:3] == [401, 401, 401] and answers[-1] == 429
    # A key whose prefix exists is always checked: a stranger's wrong keys stop no import.
    assert push(client, secret).status_code == 202


def test_a_key_pushes_only_its_kinds_and_reads_only_their_jobs(
    tenant, admin, django_capture_on_commit_callbacks
):
    _key, secret = key_for(tenant, admin, kinds=["work_orders"])
    client = client_for(host_of(tenant))
    refused = push(client, secret)
    assert refused.status_code == 403 and "kind" in refused.json()
    _all, every = key_for(tenant, admin)
    with django_capture_on_commit_callbacks(execute=False):
        body = push(client, every).json()
    hidden = client.get(body["url"], HTTP_AUTHORIZATION=f"Api-Key {secret}")
    assert hidden.status_code == 404


@pytest.mark.parametrize(
    ("path", "data", "status", "field"),
    [
        ("/api/tenant/v1/imports/nothing/", {}, 404, "kind"),
        ("/api/tenant/v1/imports/fin%00ance/", {}, 404, "kind"),
        (UPLOAD, {"file": ""}, 400, "file"),
        (UPLOAD, {"file": SimpleUploadedFile("orders.pdf", b"%PDF")}, 400, "file"),
        (UPLOAD, {"file": SimpleUploadedFile("a" * 300 + ".csv", ORDERS)}, 400, "file"),
        (UPLOAD, {"dry_run": "\x00"}, 400, "dry_run"),
        (UPLOAD, {"dry_run": "9" * 100_000}, 400, "dry_run"),
    ],
    ids=["unknown kind", "NUL in kind", "no file", "not CSV", "name too long", "NUL", "huge"],
)
def test_bad_input_is_refused_naming_the_field(tenant, admin, path, data, status, field):
    _key, secret = key_for(tenant, admin)
    response = push(client_for(host_of(tenant)), secret, path=path, **data)
    assert response.status_code == status, response.content
    assert field in response.json()
    with tenant_context(tenant):
        assert not ImportJob.objects.exists()


def test_a_file_too_big_is_refused(tenant, admin, monkeypatch):
    monkeypatch.setattr("api.tenant.v1.imports.MAX_UPLOAD", 10)
    _key, secret = key_for(tenant, admin)
    response = push(client_for(host_of(tenant)), secret)
    assert response.status_code == 400 and "file" in response.json()


def test_the_keys_page_shows_a_new_secret_once_and_revokes(tenant, admin, make_user):
    client = client_for(host_of(tenant), admin, tenant)
    assert "/imports/api-keys/" in client.get("/imports/").content.decode()
    created = client.post(
        "/imports/api-keys/", {"name": "Magh2", "kinds": ["finance_orders"]}
    ).content.decode()
    with tenant_context(tenant):
        key = ImportAPIKey.objects.get()
        assert key.kinds == ["finance_orders"] and key.created_by_id == admin.pk
    assert f'<code class="user-select-all">{key.prefix}.' in created
    again = client.get("/imports/api-keys/").content.decode()
    assert key.prefix in again and f"{key.prefix}." not in again  # the secret is gone
    response = client.post(f"/imports/api-keys/{key.prefix}/revoke/")
    assert response.status_code == 302
    with tenant_context(tenant):
        key.refresh_from_db()
        assert key.revoked
    # Someone else: neither the page nor the revocation.
    member = make_user(tenant)
    other = client_for(host_of(tenant), member, tenant)
    assert other.get("/imports/api-keys/").status_code == 403
    assert other.post(f"/imports/api-keys/{key.prefix}/revoke/").status_code == 403
