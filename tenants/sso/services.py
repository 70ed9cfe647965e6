"""Identity providers: discovery, signing users in from verified claims, roles from claims."""

from __future__ import annotations

import logging
from typing import Any

import requests
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from saas.errors import UserError
from tenants.access.models import AccessEvent, GrantSource, RoleGrant
from tenants.access.services import GrantRefused, grant_role, parse_scope, record
from tenants.accounts.models import User
from tenants.sso.claims import values_at
from tenants.sso.models import ExternalIdentity, IdentityProvider

logger = logging.getLogger(__name__)

DISCOVERY_TIMEOUT = 5
DISCOVERY_CACHE_SECONDS = 3600
REQUIRED_DISCOVERY_KEYS = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")


class ProviderUnavailable(Exception):
    """The provider cannot be reached or answers something unusable (the reason is logged)."""


class LoginRefused(UserError):
    """The provider vouched for someone this tenant will not let in; the reason is for them.

    Always 403, about the identity the provider gave (there is no form to correct)."""

    status = 403

    def __init__(self, reason: str) -> None:
        super().__init__("identity", reason)


def note_provider_error(provider: IdentityProvider, reason: str) -> None:
    """Keep the reason for the administrator and the logs; users get a plain message."""
    logger.warning("OIDC provider %s: %s", provider.slug, reason)
    IdentityProvider.objects.filter(pk=provider.pk).update(
        last_error=reason[:2000], last_error_at=timezone.now()
    )


def discovery(provider: IdentityProvider) -> dict[str, Any]:
    """The provider's OpenID configuration, cached an hour (cache keys carry the tenant)."""
    key = f"oidc-discovery:{provider.pk}:{provider.discovery_url}"
    document: dict[str, Any] | None = cache.get(key)
    if document is not None:
        return document
    try:
        response = requests.get(provider.discovery_url, timeout=DISCOVERY_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        reason = f"discovery at {provider.discovery_url} failed: {exc}"
        note_provider_error(provider, reason)
        raise ProviderUnavailable(reason) from exc
    missing = [
        k for k in REQUIRED_DISCOVERY_KEYS if not isinstance(document, dict) or k not in document
    ]
    if missing:
        reason = f"discovery document at {provider.discovery_url} lacks {', '.join(missing)}"
        note_provider_error(provider, reason)
        raise ProviderUnavailable(reason)
    assert document is not None
    cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


def roles_from_claims(
    provider: IdentityProvider, claims: dict[str, Any]
) -> set[tuple[str, str, Model | None]]:
    """(role, scope kind, target) for every mapping whose claim holds its value."""
    wanted: set[tuple[str, str, Model | None]] = set()
    for mapping in provider.mappings.all():
        if mapping.value not in values_at(claims, mapping.claim_path):
            continue
        try:
            kind, target = parse_scope(mapping.scope)
        except GrantRefused:
            logger.warning(
                "OIDC mapping %s names a scope that is gone: %s", mapping.pk, mapping.scope
            )
            continue
        wanted.add((mapping.role, kind, target))
    return wanted


def sync_provider_grants(user: User, provider: IdentityProvider, claims: dict[str, Any]) -> None:
    """Make the user's grants from this provider exactly what its mappings give today.

    Grants made by hand, or coming from another provider, are left alone.
    """
    actor = f"oidc:{provider.slug}"
    wanted = roles_from_claims(provider, claims)
    current = list(
        RoleGrant.objects.filter(
            user=user, source=GrantSource.OIDC, source_provider=provider.slug
        ).select_related("establishment", "pole", "uf", "domain")
    )
    kept: set[tuple[str, str, Model | None]] = set()
    for grant in current:
        key = (grant.role, grant.scope, grant.scope_target)
        if key in wanted:
            kept.add(key)
        else:
            record(actor, AccessEvent.Action.REVOKED, user, grant)
            grant.delete()
    for role, kind, target in wanted - kept:
        try:
            grant_role(
                user, role, kind, target, by=actor, source=GrantSource.OIDC, provider=provider.slug
            )
        except GrantRefused as exc:  # e.g. the same role granted by hand already
            logger.info("OIDC grant %s/%s for %s skipped: %s", role, kind, user.email, exc)


def sign_in_from_claims(provider: IdentityProvider, issuer: str, claims: dict[str, Any]) -> User:
    """The user these verified claims designate, created on first login, roles recomputed."""
    subject = str(claims.get("sub") or "")
    if not subject:
        raise LoginRefused(_("The identity provider did not say who you are."))
    with transaction.atomic():
        identity = (
            ExternalIdentity.objects.select_for_update()
            .select_related("user")
            .filter(issuer=issuer, subject=subject)
            .first()
        )
        if identity is not None:
            user = identity.user
        else:
            user = _first_login(provider, claims)
            identity = ExternalIdentity(
                user=user, provider=provider, issuer=issuer, subject=subject
            )
        if not user.is_active:
            raise LoginRefused(_("Your account has been deactivated. Contact your administrator."))
        name = " ".join(values_at(claims, provider.name_claim)[:1])
        if name and name != user.full_name:
            user.full_name = name
            user.save(update_fields=["full_name"])
        identity.last_claims = claims
        identity.save()
        sync_provider_grants(user, provider, claims)
    return user


def _first_login(provider: IdentityProvider, claims: dict[str, Any]) -> User:
    emails = values_at(claims, provider.email_claim)
    if not emails:
        raise LoginRefused(_("The identity provider gave no e-mail address for you."))
    email = emails[0].strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        return User.objects.create_user(email)
    if provider.link_existing_by_email:
        return existing
    raise LoginRefused(
        _(
            "An account with the address %(email)s already exists here. Ask your administrator "
            "to let %(provider)s sign it in."
        )
        % {"email": email, "provider": provider.name}
    )
