"""Limits on guessing passwords and on e-mail floods that a stranger cannot turn against a person.

A lock on an account alone lets anyone lock anyone out (five wrong passwords typed on purpose).
A lock on an address alone hurts hospitals, whose staff share a few outgoing addresses. So:

- django-axes locks an account *for one address* after five failures (the person's own
  browser elsewhere is not locked);
- one address failing on many accounts (spraying) is stopped past ``ADDRESS_LOGIN_FAILURES``,
  a number only an attack reaches, even behind a hospital's NAT;
- many addresses guessing one account are stopped past ``ACCOUNT_LOGIN_FAILURES``, except in
  the browsers that already signed into that account (a signed "known device" cookie, OWASP's
  device cookies): the attacker cannot lock the person out of their usual browser;
- password-reset and sign-up e-mails are counted per address and per recipient; past the
  limit the page answers as usual but no further e-mail goes: the links already sent still work.

Counters live in the cache (Redis), whose keys carry the tenant's schema.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from saas.client import address_of

DEVICE_COOKIE = "known_accounts"
DEVICE_COOKIE_SALT = "tenants.accounts.known-device"
DEVICE_COOKIE_AGE = 180 * 24 * 3600
DEVICE_COOKIE_ACCOUNTS = 5  # a shared workstation's browser remembers its last five accounts


@dataclass(frozen=True)
class Limit:
    """At most ``count`` events per ``seconds`` (a window that starts at the first event)."""

    name: str
    count: int
    seconds: int

    def _key(self, value: str) -> str:
        digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
        return f"throttle:{self.name}:{digest}"

    def hit(self, value: str) -> int:
        key = self._key(value)
        cache.add(key, 0, self.seconds)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, self.seconds)
            return 1

    def exceeded(self, value: str) -> bool:
        return int(cache.get(self._key(value), 0)) >= self.count

    def take(self, value: str) -> bool:
        """Count one event; False when the limit was already reached (the event is refused)."""
        if self.exceeded(value):
            return False
        self.hit(value)
        return True


ADDRESS_LOGIN_FAILURES = Limit("login-address", 30, 15 * 60)
ACCOUNT_LOGIN_FAILURES = Limit("login-account", 20, 15 * 60)
ADDRESS_PASSWORD_RESETS = Limit("reset-address", 10, 3600)
ACCOUNT_PASSWORD_RESETS = Limit("reset-account", 3, 3600)
ADDRESS_SIGNUPS = Limit("signup-address", 5, 3600)
EMAIL_SIGNUPS = Limit("signup-email", 3, 3600)


def client_address(request: HttpRequest) -> str:
    return address_of(request) or "unknown"


def known_accounts(request: HttpRequest) -> list[str]:
    try:
        value = request.get_signed_cookie(
            DEVICE_COOKIE, salt=DEVICE_COOKIE_SALT, max_age=DEVICE_COOKIE_AGE
        )
    except (KeyError, signing.BadSignature):
        return []
    return [account for account in str(value).split(",") if account]


def _account_tag(account: str) -> str:
    return hashlib.sha256(account.strip().lower().encode()).hexdigest()[:16]


def is_known_device(request: HttpRequest, account: str) -> bool:
    return _account_tag(account) in known_accounts(request)


def remember_device(request: HttpRequest, response: HttpResponse, account: str) -> None:
    """After a successful password login: this browser may try this account even while it is
    under attack from elsewhere."""
    tag = _account_tag(account)
    tags = [tag, *[t for t in known_accounts(request) if t != tag]][:DEVICE_COOKIE_ACCOUNTS]
    response.set_signed_cookie(
        DEVICE_COOKIE,
        ",".join(tags),
        salt=DEVICE_COOKIE_SALT,
        max_age=DEVICE_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
