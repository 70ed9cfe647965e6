"""A person's commissioning calendar as an iCalendar feed (RFC 5545) at a secret address.

Calendar clients (Outlook, Thunderbird, a phone) subscribe to a URL and cannot sign in: the
URL carries a random token, of which only the SHA-256 digest is stored. Making a new address
revokes the previous one; revoking leaves none. The feed holds, for each open line the person
manages or follows as a requester, its estimated commissioning month as an all-day event
spanning the month.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from saas.dates import add_months
from tenants.accounts.models import User
from tenants.plan.models import CalendarFeed, PlanLine
from tenants.plan.selectors import followed_by_requester, managed_by

TOKEN_BYTES = 32


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def new_feed(user: User) -> str:
    """A new secret address for this person (the previous one stops working): its token."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    CalendarFeed.objects.update_or_create(user=user, defaults={"token_digest": _digest(token)})
    return token


def revoke_feed(user: User) -> None:
    CalendarFeed.objects.filter(user=user).delete()


def feed_owner(token: str) -> User | None:
    """The active person whose address carries this token, if any (and note the reading)."""
    if not token or len(token) > 100 or not token.isascii():
        return None
    feed = CalendarFeed.objects.select_related("user").filter(token_digest=_digest(token)).first()
    if feed is None or not feed.user.is_active:
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_read=timezone.now())
    return feed.user


def calendar_lines(user: User) -> Any:
    followed = followed_by_requester(user).values("pk")
    managed = managed_by(user).values("pk")
    return (
        PlanLine.objects.filter(Q(pk__in=managed) | Q(pk__in=followed))
        .filter(closed=False, commissioning_month__isnull=False)
        .exclude(status=PlanLine.Status.COMMISSIONED)
        .select_related("uf")
        .order_by("commissioning_month", "reference")
    )


def calendar_of(user: User, *, site: str, base_url: str) -> bytes:
    """The iCalendar document; ``site`` names the tenant in the events' UID, ``base_url``
    leads back to each line's page."""
    calendar = Calendar()
    calendar.add("prodid", "-//Equipment plan//commissioning//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Commissioning of my plan lines"))
    stamp = timezone.now()
    for line in calendar_lines(user):
        month = line.commissioning_month
        event = Event()
        event.add("uid", f"{line.reference}@{site}")
        event.add("dtstamp", stamp)
        event.add(
            "summary", _("Commissioning: %(line)s") % {"line": f"{line.reference} · {line.title}"}
        )
        event.add("dtstart", month)
        event.add("dtend", add_months(month, 1))
        event.add("url", f"{base_url}{line.get_absolute_url()}")
        event.add("description", f"{line.uf.code} {line.uf.name}")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
