"""Subscribers authenticate with their API key: ``Authorization: Api-Key <key>``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from rest_framework import authentication, exceptions, permissions, throttling
from rest_framework.request import Request
from rest_framework_api_key.permissions import KeyParser

from saas.audit import annotate
from shared_reference.models import Subscriber, SubscriberAPIKey


class SubscriberKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[AnonymousUser, SubscriberAPIKey] | None:
        key = KeyParser().get(request._request)
        if not key:
            return None
        prefix = key.partition(".")[0]
        # Revoked keys too, so that their holder learns why they are refused.
        api_key = (
            SubscriberAPIKey.objects.select_related("subscriber").filter(prefix=prefix).first()
        )
        if api_key is None or not api_key.is_valid(key):
            raise exceptions.AuthenticationFailed("Unknown API key.")
        if api_key.revoked:
            raise exceptions.AuthenticationFailed("This API key has been revoked.")
        if api_key.has_expired:
            raise exceptions.AuthenticationFailed("This API key has expired.")
        # The audit trail names the subscriber behind what this call changes.
        annotate(user_label=str(api_key.subscriber), subscriber=api_key.subscriber_id, source="api")
        return AnonymousUser(), api_key

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


class PerKeyThrottle(throttling.SimpleRateThrottle):
    """Rate limit per API key (not per address: an installation may sit behind a proxy)."""

    scope = "reference_api_key"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not isinstance(request.auth, SubscriberAPIKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.prefix}
