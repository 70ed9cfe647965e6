"""Notification e-mails: sent once each, after the change commits; and by a real worker."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from saas.tenancy.models import Tenant
from tenants.campaigns import workflow
from tenants.notifications.models import Notification
from tenants.notifications.services import notify, send_mails
from tests.tenants.conftest import build_chain


def test_each_notification_is_emailed_once_even_when_the_task_runs_twice(tenant, make_user):
    person = make_user(tenant, full_name="Dr Martin")
    with tenant_context(tenant):
        notify([person, person], subject="Une demande vous attend", url="/requests/1/")
        ids = list(Notification.objects.values_list("pk", flat=True))
        assert len(ids) == 1  # one per person
        assert send_mails(ids) == 1
        assert send_mails(ids) == 0  # a retried task sends nothing twice
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [person.email] and message.subject == "Une demande vous attend"
    assert "http://alpha.localhost:8000/requests/1/" in message.body


def test_nothing_is_emailed_for_a_change_that_rolls_back(
    tenant, make_user, django_capture_on_commit_callbacks
):
    person = make_user(tenant)
    with tenant_context(tenant), django_capture_on_commit_callbacks() as callbacks:
        notify([person], subject="S", url="/")
    assert len(callbacks) == 1  # the e-mail waits for the commit; a rollback drops it


@pytest.mark.slow
def test_a_worker_emails_the_next_actor_after_the_transition_commits(
    celery_worker_process, live_db, make_user, mail_dir: Path
):
    alpha = Tenant.objects.get(schema_name="t_alpha")
    with tenant_context(alpha):
        chain = build_chain(alpha, make_user)
        try:
            before = set(mail_dir.iterdir())
            workflow.submit(chain["request"], by=chain["users"]["requester"])
            head = chain["users"]["pole_head"]
            deadline = time.monotonic() + 30
            found = ""
            while time.monotonic() < deadline and head.email not in found:
                found = "".join(p.read_text() for p in set(mail_dir.iterdir()) - before)
                time.sleep(0.2)
            assert head.email in found and "Respirateur" in found
            assert Notification.objects.get(recipient=head).emailed is not None
        finally:
            chain["cleanup"]()
