"""Notify people in the app, and by e-mail once the change that concerns them is committed."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from saas.errors import UserError
from saas.tenancy.urls_helpers import host_url
from tenants.accounts.models import User
from tenants.notifications.kinds import AlertKind, every_kind, kind_for
from tenants.notifications.models import AlertSetting, Notification, NotificationPreference


def notify(
    recipients: Iterable[User], *, subject: str, url: str, body: str = "", kind: str = ""
) -> int:
    """One notification per active recipient (each once), written with the caller's change.

    The e-mail leaves a little after the change commits (a rolled back change notifies
    nobody), gathering what else reached the same person meanwhile: a manager validating
    forty requests sends the commission one e-mail each, not forty. How and when is each
    person's choice for the ``kind`` (tenants/notifications/kinds.py): never, at once after
    their quiet delay, or in the daily digest.
    """
    unique = {user.pk: user for user in recipients if user.is_active}
    rows = Notification.objects.bulk_create(
        Notification(recipient=user, subject=subject[:300], url=url, body=body, kind=kind[:80])
        for user in unique.values()
    )
    if rows:
        from tenants.notifications.tasks import send_notification_mails

        by_delay: dict[int, list[int]] = {}
        # Every recipient's setting in one query: a check's findings may tell forty people.
        kept = (
            {s.user_id: s for s in AlertSetting.objects.filter(user_id__in=unique, kind=kind)}
            if kind
            else {}
        )
        found = kind_for(kind) if kind else None
        for pk in sorted(unique):
            mode, quiet = _delivery(kept.get(pk), found)
            if mode == AlertSetting.Mode.NOW:
                delay = max(quiet, settings.NOTIFICATION_MAIL_DELAY)
                by_delay.setdefault(delay, []).append(pk)
        for delay, people in by_delay.items():
            transaction.on_commit(
                partial(send_notification_mails.apply_async, args=[people], countdown=delay)
            )
    return len(rows)


def delivery(user: User, kind: str) -> tuple[str, int]:
    """(mode, the person's quiet delay in seconds) for their e-mails of this kind."""
    setting = AlertSetting.objects.filter(user=user, kind=kind).first() if kind else None
    return _delivery(setting, kind_for(kind) if kind else None)


def _delivery(setting: AlertSetting | None, found: AlertKind | None) -> tuple[str, int]:
    mode = setting.mode if setting else (found.default if found else AlertSetting.Mode.NOW)
    quiet = setting.quiet_minutes * 60 if setting else 0
    return mode, quiet


def settings_for(user: User) -> list[tuple[AlertKind, str, int]]:
    """Each kind of alert with the person's mode and quiet delay (minutes)."""
    kept = {s.kind: s for s in AlertSetting.objects.filter(user=user)}
    rows = []
    for kind in every_kind():
        if not kind.concerns(user):
            continue
        setting = kept.get(kind.code)
        rows.append(
            (
                kind,
                setting.mode if setting else kind.default,
                setting.quiet_minutes if setting else 0,
            )
        )
    return rows


class SettingRefused(UserError):
    """An alert setting that cannot be (an unknown kind, a mode it does not offer...)."""


def set_alert_setting(user: User, kind: str, mode: str, quiet_minutes: int) -> AlertSetting:
    found = kind_for(kind)
    if found is None:
        raise SettingRefused("kind", _("no such kind of alert"))
    if mode not in found.modes:
        raise SettingRefused("mode", _("this kind of alert does not offer this delivery"))
    if not 0 <= quiet_minutes <= 1440:
        raise SettingRefused("quiet_minutes", _("between 0 and 1440 minutes (a day)"))
    setting, _created = AlertSetting.objects.update_or_create(
        user=user, kind=kind, defaults={"mode": mode, "quiet_minutes": quiet_minutes}
    )
    return setting


def first_time(record: type[models.Model], **fields: Any) -> bool:
    """Record that a warning is sent; False when it already was. The model's unique
    constraint says what "once" means (per loan, kind and return date, say), so the daily
    reminders' rerun, or their retry after a crash, sends nothing twice."""
    try:
        with transaction.atomic():
            record._default_manager.create(**fields)
    except IntegrityError:
        return False
    return True


def settle_notifications(url: str) -> int:
    """Mark done what was said about ``url`` (a request's page) now that it moved on: it
    leaves the unread count, and an e-mail not sent yet will not carry it."""
    now = timezone.now()
    return Notification.objects.filter(url=url, settled__isnull=True).update(
        settled=now,
        read=Coalesce("read", Value(now)),
        emailed=Coalesce("emailed", Value(now)),
    )


def set_email_preference(user: User, by_email: bool) -> None:
    NotificationPreference.objects.update_or_create(user=user, defaults={"by_email": by_email})


def wants_email(user: User) -> bool:
    found = NotificationPreference.objects.filter(user=user).values_list("by_email", flat=True)
    return next(iter(found), True)


def mark_read(user: User, pk: int | None = None) -> int:
    """Mark one of the user's notifications read, or all of them."""
    unread = Notification.objects.filter(recipient=user, read__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read=timezone.now())


def send_mails(recipient_ids: list[int], *, digest: bool = False) -> int:
    """E-mail each of these people, in one message, their notifications not yet e-mailed that
    are due; returns how many messages left. Due: at once, once the kind's quiet delay is
    over; in the digest (``digest``) for the kinds the person gets daily; never for the
    kinds they want none of (settled without an e-mail). Idempotent: each person's rows are
    claimed before the message goes, so a retried or a second task sends nothing twice."""
    tenant = getattr(connection, "tenant", None)
    host = tenant.get_primary_domain().domain if tenant is not None else ""
    sent = 0
    people = User.objects.filter(pk__in=recipient_ids, is_active=True).exclude(email="")
    quiet = set(
        NotificationPreference.objects.filter(user__in=people, by_email=False).values_list(
            "user_id", flat=True
        )
    )
    # Settled without an e-mail, in one statement: turning e-mails back on sends only what
    # comes next.
    Notification.objects.filter(recipient_id__in=quiet, emailed__isnull=True).update(
        emailed=timezone.now()
    )
    now = timezone.now()
    for person in people:
        if person.pk in quiet:
            continue
        with transaction.atomic():
            waiting = Notification.objects.select_for_update(skip_locked=True).filter(
                recipient=person, emailed__isnull=True
            )
            if not digest:
                # A hundred notifications kept for the digest must not hide those due now.
                waiting = waiting.exclude(kind__in=_daily_kinds(person))
            pending = list(waiting.order_by("created", "pk")[:100])
            due, never = _due(person, pending, now, digest=digest)
            if never:
                Notification.objects.filter(pk__in=[n.pk for n in never]).update(emailed=now)
            if not due:
                continue
            with translation.override(settings.LANGUAGE_CODE):
                items = [
                    {"notification": n, "link": host_url(host, n.url) if host else n.url}
                    for n in due
                ]
                message = render_to_string(
                    "notifications/email/notifications.txt",
                    {"items": items, "tenant_name": getattr(tenant, "name", "")},
                )
                subject = (
                    due[0].subject
                    if len(due) == 1
                    else _("%(count)d notifications wait for you") % {"count": len(due)}
                )
            send_mail(
                subject=subject, message=message, from_email=None, recipient_list=[person.email]
            )
            Notification.objects.filter(pk__in=[n.pk for n in due]).update(emailed=timezone.now())
            sent += 1
    return sent


def _daily_kinds(person: User) -> list[str]:
    """The kinds of the person's waiting notifications that they get in the daily digest."""
    kinds = (
        Notification.objects.filter(recipient=person, emailed__isnull=True)
        .values_list("kind", flat=True)
        .distinct()
    )
    return [k for k in kinds if delivery(person, k)[0] == AlertSetting.Mode.DAILY]


def _due(
    person: User, pending: list[Notification], now: Any, *, digest: bool
) -> tuple[list[Notification], list[Notification]]:
    """(the notifications to e-mail now, those the person wants no e-mail of)."""
    modes = {kind: delivery(person, kind) for kind in {n.kind for n in pending}}
    due, never = [], []
    for n in pending:
        mode, wait = modes[n.kind]
        if mode == AlertSetting.Mode.NEVER:
            never.append(n)
        elif mode == AlertSetting.Mode.DAILY:
            if digest:
                due.append(n)
        # A task queued for a shorter delay comes early: what is still quiet waits for its own.
        elif digest or not wait or (now - n.created).total_seconds() >= wait - 1:
            due.append(n)
    return due, never


def send_digests() -> int:
    """The daily digest: every person's notifications of the kinds they get daily."""
    waiting = (
        Notification.objects.filter(emailed__isnull=True)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    return send_mails(list(waiting), digest=True)
