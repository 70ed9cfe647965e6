"""Subscribers authenticate with their API key: ``Authorization: Api-Key <key>``."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from rest_framework import authentication, exceptions, permissions, throttling
from rest_framework.request import Request
from rest_framework_api_key.permissions import KeyParser

from saas.audit import annotate
from saas.client import address_of
from shared_reference.models import Subscriber, SubscriberAPIKey


class SubscriberKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[AnonymousUser, SubscriberAPIKey] | None:
        key = KeyParser().get(request._request)
        if not key:
            return None
        failures = FailedKeyThrottle()
        prefix = key.partition(".")[0]
        # Revoked keys too, so that their holder learns why they are refused.
        api_key = (
            SubscriberAPIKey.objects.select_related("subscriber").filter(prefix=prefix).first()
        )
        if api_key is None:
            # Refused before anything else once the address sent too many wrong keys. A key
            # whose prefix exists is always checked: a stranger's wrong keys from a shared
            # address (a proxy, a hospital's NAT) never stop a subscriber's sync.
            failures.refuse_if_over(request)
            failures.count(request)
            raise exceptions.AuthenticationFailed("Unknown API key.")
        try:
            return AnonymousUser(), self._check(api_key, key)
        except exceptions.AuthenticationFailed:
            failures.count(request)
            raise

    def _check(self, api_key: SubscriberAPIKey, key: str) -> SubscriberAPIKey:
        if not api_key.is_valid(key):
            raise exceptions.AuthenticationFailed("Unknown API key.")
        if api_key.revoked:
            raise exceptions.AuthenticationFailed("This API key has been revoked.")
        if api_key.has_expired:
            raise exceptions.AuthenticationFailed("This API key has expired.")
        # The audit trail names the subscriber behind what this call changes.
        annotate(user_label=str(api_key.subscriber), subscriber=api_key.subscriber_id, source="api")
        return api_key

    def authenticate_header(self, request: Request) -> str:
        return "Api-Key"


class IsSubscriber(permissions.BasePermission):
    message = "An API key is needed: send 'Authorization: Api-Key <key>'."

    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, SubscriberAPIKey)


def subscriber_of(request: Request) -> Subscriber:
    key = request.auth
    if not isinstance(key, SubscriberAPIKey):
        raise exceptions.NotAuthenticated(IsSubscriber.message)
    return key.subscriber


def count_in_window(ident: str, duration: int) -> tuple[int, float]:
    """Add one to ``ident``'s counter of the current fixed window; the new count and the
    seconds left in the window. The increment is Redis' INCR: requests arriving together
    each get their own count (a read-then-write history, as DRF keeps it, loses some)."""
    now = time.time()
    window = int(now // duration)
    key = f"throttle:{ident}:{window}"
    for _attempt in range(2):
        cache.add(key, 0, timeout=duration + 5)  # SET NX: only the first request creates it
        try:
            return cache.incr(key), (window + 1) * duration - now
        except ValueError:  # expired between the two calls: create it again
            continue
    return 1, (window + 1) * duration - now


def count_so_far(ident: str, duration: int) -> int:
    return int(cache.get(f"throttle:{ident}:{int(time.time() // duration)}") or 0)


class FixedWindowThrottle(throttling.SimpleRateThrottle):
    # Set by SimpleRateThrottle.__init__ from the rate (its stubs do not declare them).
    num_requests: int | None
    duration: int | None


class PerKeyThrottle(FixedWindowThrottle):
    """Rate limit per API key (not per address: an installation may sit behind a proxy),
    counted in fixed windows that cannot lose an increment under concurrency."""

    scope = "reference_api_key"
    remaining = 0.0

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not isinstance(request.auth, SubscriberAPIKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.prefix}

    def allow_request(self, request: Request, view: Any) -> bool:
        ident = self.get_cache_key(request, view)
        if ident is None or self.num_requests is None or self.duration is None:
            return True  # no key (refused by the permission) or no rate configured
        count, self.remaining = count_in_window(ident, self.duration)
        return count <= self.num_requests

    def wait(self) -> float:
        return self.remaining


class FailedKeyThrottle(FixedWindowThrottle):
    """Refused keys (unknown, revoked, expired) per client address: past the rate, the
    address gets 429 until the window ends for keys whose prefix is unknown."""

    scope = "reference_api_failed_key"

    def get_cache_key(self, request: Request, view: Any = None) -> str:
        # The address every limit of the product uses (not DRF's X-Forwarded-For reading).
        ident = address_of(request._request) or "unknown"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def refuse_if_over(self, request: Request) -> None:
        if self.num_requests is None or self.duration is None:
            return
        if count_so_far(self.get_cache_key(request), self.duration) >= self.num_requests:
            wait = self.duration - time.time() % self.duration
            raise exceptions.Throttled(wait=wait, detail="Too many refused API keys from here.")

    def count(self, request: Request) -> None:
        if self.duration is not None:
            count_in_window(self.get_cache_key(request), self.duration)
