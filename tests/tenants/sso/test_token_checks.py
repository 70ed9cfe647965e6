"""The ID token checks of the backend, on tokens signed with a key made here."""

import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import SuspiciousOperation

from tenants.sso.backend import TenantOIDCBackend

ISSUER = "https://sso.chu.example/realms/chu"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def backend():
    backend = TenantOIDCBackend()
    backend.issuer = ISSUER
    backend.OIDC_RP_CLIENT_ID = "chu-client"
    backend.OIDC_RP_SIGN_ALGO = "RS256"
    return backend


def token(**changes):
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": "chu-client", "sub": "u1", "iat": now, "exp": now + 300}
    claims.update(changes)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, KEY, algorithm="RS256")


def test_a_valid_token_is_accepted(backend):
    assert backend._verify_jws(token(), KEY.public_key())["sub"] == "u1"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"iss": "https://evil.example"}, "issuer"),
        ({"aud": "other-client"}, "audience"),
        ({"exp": int(time.time()) - 3600}, "expired"),
        ({"exp": None}, "exp"),
        ({"aud": None}, "aud"),
    ],
)
def test_a_token_with_a_wrong_claim_is_refused(backend, changes, reason):
    with pytest.raises(SuspiciousOperation, match=f"(?i){reason}"):
        backend._verify_jws(token(**changes), KEY.public_key())


def test_a_token_signed_by_another_key_is_refused(backend):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(SuspiciousOperation):
        backend._verify_jws(token(), other.public_key())


def test_an_unsigned_or_symmetric_token_is_refused(backend):
    backend.algorithms = ["RS256"]
    forged = jwt.encode(
        {"iss": ISSUER, "aud": "chu-client", "sub": "u1"}, "secret", algorithm="HS256"
    )
    with pytest.raises(SuspiciousOperation, match="HS256"):
        backend.verify_token(forged, nonce=None)
