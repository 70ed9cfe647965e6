"""Encryption of secrets stored in the database (identity providers' client secrets).

The key comes from FIELD_ENCRYPTION_KEY (a Fernet key, required in production); development
derives one from SECRET_KEY. Rotating: set the new key first in FIELD_ENCRYPTION_KEY and the
old ones after it, comma-separated; values are read with any of them and written with the first.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SecretUnreadable(Exception):
    pass


def _fernet() -> MultiFernet:
    keys = [k.strip() for k in settings.FIELD_ENCRYPTION_KEY.split(",") if k.strip()]
    if not keys:
        digest = hashlib.sha256(("field-encryption:" + settings.SECRET_KEY).encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    return MultiFernet([Fernet(k.encode()) for k in keys])


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("The secret cannot be read with the configured keys.") from exc
