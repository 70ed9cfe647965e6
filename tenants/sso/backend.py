"""mozilla-django-oidc's backend, configured per tenant provider and checking every token claim.

The stock backend reads one provider from settings, skips the audience check and matches users
by e-mail. Here the provider comes from the tenant's database, the ID token's signature, issuer,
audience, expiry and nonce are all checked, and users are matched on (issuer, subject).
"""

from __future__ import annotations

from typing import Any

import jwt
import requests
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from tenants.accounts.models import User
from tenants.sso.models import IdentityProvider
from tenants.sso.services import discovery, sign_in_from_claims

ALLOWED_ALGORITHMS = ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256")


class TenantOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Nothing to read from settings: ``configure`` sets the provider's values.
        self.UserModel = get_user_model()
        self.provider: IdentityProvider | None = None

    def configure(self, provider: IdentityProvider) -> None:
        document = discovery(provider)
        self.provider = provider
        self.issuer: str = document["issuer"]
        self.OIDC_OP_TOKEN_ENDPOINT = document["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = document.get("userinfo_endpoint")
        self.OIDC_OP_JWKS_ENDPOINT = document["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = provider.client_id
        self.OIDC_RP_CLIENT_SECRET = provider.client_secret
        self.OIDC_RP_IDP_SIGN_KEY = None
        supported = document.get("id_token_signing_alg_values_supported") or ["RS256"]
        self.algorithms = [a for a in supported if a in ALLOWED_ALGORITHMS] or ["RS256"]
        self.OIDC_RP_SIGN_ALGO = self.algorithms[0]

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, provider: IdentityProvider | None = None, **kwargs: Any
    ) -> User | None:
        if provider is None or request is None:
            return None  # a password login: not ours
        self.configure(provider)
        user: User | None = super().authenticate(request, **kwargs)
        return user

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        header = jwt.get_unverified_header(token)
        if header.get("alg") not in self.algorithms:
            raise SuspiciousOperation(f"ID token signed with {header.get('alg')!r}, not allowed")
        self.OIDC_RP_SIGN_ALGO = header["alg"]
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        return payload

    def retrieve_matching_jwk(self, token: str) -> jwt.PyJWK:
        """The provider key that signed ``token``: by ``kid`` when the token names one, else the
        provider's only signing key (a single-key provider may leave ``kid`` out)."""
        response = requests.get(
            self.OIDC_OP_JWKS_ENDPOINT, timeout=self.get_settings("OIDC_TIMEOUT")
        )
        response.raise_for_status()
        keys = [k for k in response.json().get("keys", []) if k.get("use", "sig") == "sig"]
        header = jwt.get_unverified_header(token)
        if header.get("kid") is not None:
            keys = [k for k in keys if k.get("kid") == header["kid"]]
        keys = [k for k in keys if k.get("alg", header.get("alg")) == header.get("alg")]
        if len(keys) != 1:
            raise SuspiciousOperation(f"{len(keys)} provider keys match the ID token's header")
        return jwt.PyJWK(keys[0])

    def _verify_jws(self, payload: str, key: Any) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.issuer,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
                leeway=30,
            )
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"ID token refused: {exc}") from exc
        return claims

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User:
        assert self.provider is not None
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            userinfo = self.get_userinfo(access_token, id_token, payload)
            if str(userinfo.get("sub")) != str(payload["sub"]):
                raise SuspiciousOperation("userinfo is about another subject than the ID token")
            claims.update(userinfo)
        return sign_in_from_claims(self.provider, self.issuer, claims)

    def get_user(self, user_id: int) -> User | None:
        user = self.UserModel.objects.filter(pk=user_id).first()
        return user if user is not None and user.is_active else None
