"""Notification e-mails: sent once each, after the change commits; and by a real worker."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from saas.tenancy.models import Tenant
from tenants.notifications.models import Notification
from tenants.notifications.services import notify, send_mails
from tenants.requests import workflow
from tests.conftest import client_for, host_of
from tests.tenants.conftest import build_chain


def test_each_notification_is_emailed_once_even_when_the_task_runs_twice(tenant, make_user):
    person = make_user(tenant, full_name="Dr Martin")
    with tenant_context(tenant):
        notify([person, person], subject="Une demande vous attend", url="/requests/1/")
        assert Notification.objects.count() == 1  # one per person
        assert send_mails([person.pk]) == 1
        assert send_mails([person.pk]) == 0  # a retried task sends nothing twice
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [person.email] and message.subject == "Une demande vous attend"
    assert "http://alpha.localhost:8000/requests/1/" in message.body


def test_what_reaches_one_person_meanwhile_leaves_in_one_email(tenant, make_user):
    person, other = make_user(tenant), make_user(tenant)
    with tenant_context(tenant):
        for number in range(1, 41):  # a manager validating forty requests
            notify([person], subject=f"Demande {number} vous attend", url=f"/requests/{number}/")
        notify([other], subject="Une seule", url="/requests/99/")
        assert send_mails([person.pk, other.pk]) == 2
        assert not Notification.objects.filter(emailed__isnull=True).exists()
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert len(mail.outbox) == 2
    grouped = by_recipient[person.email]
    assert grouped.subject == "40 notifications vous attendent"
    assert "/requests/1/" in grouped.body and "/requests/40/" in grouped.body
    assert by_recipient[other.email].subject == "Une seule"


def test_nothing_is_emailed_for_a_change_that_rolls_back(
    tenant, make_user, django_capture_on_commit_callbacks
):
    person = make_user(tenant)
    with tenant_context(tenant), django_capture_on_commit_callbacks() as callbacks:
        notify([person], subject="S", url="/")
        notify([person], subject="T", url="/")
    assert len(callbacks) == 2  # the e-mails wait for the commit; a rollback drops them


@pytest.mark.slow
def test_a_worker_emails_the_next_actor_after_the_transition_commits(
    celery_worker_process, live_db, make_user, mail_dir: Path, settings
):
    settings.NOTIFICATION_MAIL_DELAY = 0  # the countdown is set where the task is sent
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


def test_a_person_who_wants_no_email_gets_none_and_only_new_ones_after(tenant, make_user):
    from tests.conftest import client_for, host_of

    person = make_user(tenant)
    client = client_for(host_of(tenant), person, tenant)
    assert client.post("/notifications/email/", {"by_email": "0"}).status_code == 302
    assert 'data-by-email="0"' in client.get("/notifications/").content.decode()
    with tenant_context(tenant):
        notify([person], subject="Pendant la pause", url="/requests/1/")
        assert send_mails([person.pk]) == 0
    assert mail.outbox == []
    client.post("/notifications/email/", {"by_email": "1"})
    with tenant_context(tenant):
        notify([person], subject="Après", url="/requests/2/")
        assert send_mails([person.pk]) == 1
    assert [m.subject for m in mail.outbox] == ["Après"]  # nothing from the pause


def test_notifications_of_a_request_that_moved_on_are_marked_done(chain, tenant):
    u, request = chain["users"], chain["request"]
    workflow.submit(request, by=u["requester"])
    waiting = Notification.objects.get(recipient=u["pole_head"])
    assert waiting.read is None and waiting.settled is None
    # The head of pôle acts; then another step happens: what they were told no longer applies,
    # nor does anything sent to others about an earlier step of the same request.
    workflow.give_pole_opinion(request, by=u["pole_head"], favourable=True)
    waiting.refresh_from_db()
    assert waiting.settled is not None and waiting.read is not None
    assert Notification.objects.filter(recipient=u["pole_head"], read__isnull=True).count() == 0
    # The dispatcher's notification is the one that applies now.
    assert Notification.objects.filter(
        recipient=u["dispatcher"], settled__isnull=True, read__isnull=True
    ).exists()
    client = client_for(host_of(tenant), u["pole_head"], tenant)  # leaves the tenant's schema
    page = client.get("/notifications/").content.decode()
    assert "data-settled" in page and "actualité" in page


def test_a_settled_notification_is_not_emailed_afterwards(chain):
    u, request = chain["users"], chain["request"]
    workflow.submit(request, by=u["requester"])
    workflow.give_pole_opinion(request, by=u["pole_head"], favourable=True)
    mail.outbox.clear()
    send_mails([u["pole_head"].pk])
    assert mail.outbox == []
