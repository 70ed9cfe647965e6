"""Each person's alert settings: never, at once after a quiet delay, or the daily digest."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.notifications.kinds import every_kind
from tenants.notifications.models import AlertSetting, Notification
from tenants.notifications.services import (
    SettingRefused,
    notify,
    send_digests,
    send_mails,
    set_alert_setting,
    settings_for,
)
from tests.conftest import client_for, host_of


@pytest.fixture
def person(tenant, make_user):
    user = make_user(tenant)
    with tenant_context(tenant):
        yield user


def test_every_app_offers_its_kinds_and_each_check_is_one(person):
    codes = {k.code for k in every_kind()}
    assert {"requests", "plan", "loans", "trials", "reference_alerts"} <= codes
    assert "controls:FIN-NO-MARKET" in codes


def test_never_settles_without_an_email_and_daily_waits_for_the_digest(person):
    set_alert_setting(person, "plan", "never", 0)
    set_alert_setting(person, "loans", "daily", 0)
    notify([person], subject="Rappel plan", url="/plan/", kind="plan")
    notify([person], subject="Prêt", url="/loans/", kind="loans")
    notify([person], subject="Demande", url="/requests/", kind="requests")
    mail.outbox.clear()
    assert send_mails([person.pk]) == 1
    assert [m.subject for m in mail.outbox] == ["Demande"]
    assert Notification.objects.get(kind="plan").emailed is not None  # settled, no e-mail
    assert Notification.objects.get(kind="loans").emailed is None  # waits for the digest
    assert send_digests() == 1 and mail.outbox[-1].subject == "Prêt"
    assert send_digests() == 0
    assert Notification.objects.count() == 3  # every one stays listed in the app


def test_a_quiet_delay_holds_the_email_until_it_is_over(person):
    set_alert_setting(person, "requests", "now", 30)
    notify([person], subject="Demande", url="/requests/", kind="requests")
    assert send_mails([person.pk]) == 0
    Notification.objects.update(created=timezone.now() - timedelta(minutes=31))
    assert send_mails([person.pk]) == 1


@pytest.mark.parametrize(
    ("kind", "mode", "quiet", "field"),
    [
        ("nothing", "now", 0, "kind"),
        ("reference_alerts", "now", 0, "mode"),  # a digest by nature
        ("plan", "sometimes", 0, "mode"),
        ("plan", "now", 1441, "quiet_minutes"),
        ("plan", "now", -1, "quiet_minutes"),
    ],
)
def test_settings_that_cannot_be_are_refused_naming_the_field(person, kind, mode, quiet, field):
    with pytest.raises(SettingRefused) as refused:
        set_alert_setting(person, kind, mode, quiet)
    assert refused.value.field == field
    assert not AlertSetting.objects.exists()


def test_the_settings_page_saves_each_kind_and_refuses_nonsense_whole(tenant, make_user):
    user = make_user(tenant)
    client = client_for(host_of(tenant), user, tenant)
    page = client.get("/notifications/settings/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert page.status_code == 200 and "Reminders on the plan lines you manage" in text
    with tenant_context(tenant):
        codes = [k.code for k, _mode, _quiet in settings_for(user)]
    # A person who reads no control is offered none of the controls' alerts.
    assert not any(code.startswith("controls:") for code in codes)
    plan = codes.index("plan")
    saved = client.post(
        "/notifications/settings/",
        {f"mode-{plan}": "daily", f"quiet-{plan}": "0"}
        | {f"mode-{i}": "now" for i, c in enumerate(codes) if c not in ("plan", "reference_alerts")}
        | {f"mode-{codes.index('reference_alerts')}": "daily"},
    )
    assert saved.status_code == 302
    with tenant_context(tenant):
        assert AlertSetting.objects.get(user=user, kind="plan").mode == "daily"
    refused = client.post(
        "/notifications/settings/",
        {f"mode-{plan}": "never", f"quiet-{plan}": "\x00"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 400
    with tenant_context(tenant):
        assert AlertSetting.objects.get(user=user, kind="plan").mode == "daily"


def test_a_hundred_notifications_kept_for_the_digest_do_not_hide_one_due_now(person):
    set_alert_setting(person, "loans", "daily", 0)
    for number in range(101):
        notify([person], subject=f"Prêt {number}", url="/loans/", kind="loans")
    notify([person], subject="Demande", url="/requests/", kind="requests")
    mail.outbox.clear()
    assert send_mails([person.pk]) == 1
    assert [m.subject for m in mail.outbox] == ["Demande"]


def test_notifying_many_people_reads_their_settings_in_one_query(tenant, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    people = [make_user(tenant) for _ in range(6)]
    with tenant_context(tenant):
        set_alert_setting(people[0], "requests", "never", 0)
        with CaptureQueriesContext(connection) as one:
            notify(people[:1], subject="Demande", url="/requests/", kind="requests")
        with CaptureQueriesContext(connection) as six:
            notify(people, subject="Demande", url="/requests/", kind="requests")
    assert len(six) == len(one)


def test_who_reads_the_controls_is_offered_their_alerts(tenant, make_user):
    from tenants.access.models import Role, ScopeKind
    from tenants.access.services import grant_role

    user = make_user(tenant)
    with tenant_context(tenant):
        grant_role(user, Role.FINANCE, ScopeKind.TENANT, by="test")
        codes = {k.code for k, _mode, _quiet in settings_for(user)}
    assert "controls:FIN-NO-MARKET" in codes
