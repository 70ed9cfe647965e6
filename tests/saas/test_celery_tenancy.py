"""Celery tasks against a real worker process and Redis: tenant routing and provisioning."""

import re
import time
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django_tenants.utils import schema_context, tenant_context

from saas.tenancy import provisioning
from saas.tenancy.models import SignupRequest, Tenant, TenantStatus
from saas.tenancy.services import confirm_signup, request_signup
from tenants.accounts.models import User
from tenants.accounts.tasks import send_invitation_task
from tests.schema_copies import PARKED_SPARE, spare_copy

pytestmark = pytest.mark.slow


def mails(mail_dir: Path) -> list[str]:
    return [p.read_text() for p in sorted(mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime)]


def wait_for_mail(mail_dir: Path, needle: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in mails(mail_dir) if needle in m]
        if found:
            return found[-1]
        time.sleep(0.1)
    raise AssertionError(f"no e-mail mentioning {needle} within {timeout} s")


@pytest.fixture
def committed_user(live_db):
    alpha = Tenant.objects.get(schema_name="t_alpha")
    with tenant_context(alpha):
        user = User.objects.create_user("only-in-alpha@example.org")
    yield alpha, user
    with tenant_context(alpha):
        User.objects.filter(pk=user.pk).delete()


def test_a_tenant_task_runs_in_the_schema_it_was_sent_from(
    celery_worker_process, committed_user, mail_dir
):
    alpha, user = committed_user
    with tenant_context(alpha):
        result = send_invitation_task.delay(user.pk, "alpha.localhost")
    assert result.get(timeout=30) == "only-in-alpha@example.org"
    assert any("Hôpital Alpha" in m and "only-in-alpha@example.org" in m for m in mails(mail_dir))


def test_a_tenant_task_sent_without_its_tenant_refuses_to_run(
    celery_worker_process, committed_user, mail_dir
):
    _, user = committed_user
    before = len(mails(mail_dir))
    with schema_context("public"):
        result = send_invitation_task.delay(user.pk, "alpha.localhost")
    with pytest.raises(Exception, match="arrived without"):
        result.get(timeout=30)
    assert len(mails(mail_dir)) == before


def test_sign_up_to_first_login_through_the_worker(celery_worker_process, live_db, mail_dir):
    # As in production, a spare schema is ready before anyone signs up (the pool's refill runs
    # off the sign-up path): migrating a schema from scratch costs about a minute of CPU for
    # the whole migration graph, which is what the pool exists to keep out of the wait. The
    # path without a spare is covered in-process by tests/saas/tenancy/test_provisioning.py.
    # The spare is a copy of the session's migrated schema (tests/schema_copies.py).
    spare = spare_copy(PARKED_SPARE)
    live_db.append(spare)  # dropped afterwards if the worker did not claim it
    spares_before = provisioning.spare_count()
    request_signup(
        name="CH Delta",
        kind="hospital",
        finess="800000044",
        contact_email="chef@delta.fr",
        subdomain="delta",
    )
    token = re.search(r"/signup/confirm/([^/\s]+)/", mail.outbox[-1].body).group(1)
    try:
        confirm_signup(token)  # commits, then sends the provisioning task to the worker
        tenant = Tenant.objects.get(schema_name="t_delta")
        live_db.append(tenant)
        deadline = time.monotonic() + 60
        while tenant.status == TenantStatus.PROVISIONING and time.monotonic() < deadline:
            time.sleep(0.2)
            tenant.refresh_from_db()
        assert tenant.status == TenantStatus.ACTIVE, tenant.status_reason
        assert provisioning.spare_count() == spares_before - 1  # a spare was claimed

        # The invitation leaves right after the commit that made the tenant active.
        invitation = wait_for_mail(mail_dir, "chef@delta.fr")
        path = re.search(
            r"http://delta\.localhost(?::\d+)?(/accounts/set-password/\S+)", invitation
        )
        client = Client(HTTP_HOST="delta.localhost")
        form_page = client.get(path.group(1), follow=True)
        assert form_page.status_code == 200
        set_url = form_page.redirect_chain[-1][0]
        new_password = "Un mot de passe solide 2026"
        done = client.post(set_url, {"new_password1": new_password, "new_password2": new_password})
        assert done.status_code == 302

        login = client.post(
            "/accounts/login/", {"username": "chef@delta.fr", "password": new_password}
        )
        assert login.status_code == 302
        assert "CH Delta" in client.get("/").content.decode()
    finally:
        SignupRequest.objects.filter(subdomain="delta").delete()


def test_staff_resend_the_first_invitation_through_the_worker(
    celery_worker_process, make_user, tenant, mail_dir
):
    from tests.conftest import client_for

    before = len(mails(mail_dir))
    staff = make_user(None, is_staff=True)
    client_for("localhost", staff).post(f"/staff/tenants/{tenant.pk}/resend-invitation/")
    wait_for_mail(mail_dir, "admin@alpha.test")
    assert len(mails(mail_dir)) == before + 1
