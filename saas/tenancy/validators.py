"""Validation of FINESS numbers and wanted sub-domains."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

FINESS_RE = re.compile(r"^(\d{2}|2A|2B)\d{7}$")

# Host labels we keep for the platform itself or that would mislead users.
RESERVED_SUBDOMAINS = frozenset(
    {
        "admin",
        "api",
        "app",
        "assets",
        "auth",
        "cdn",
        "console",
        "dashboard",
        "demo",
        "docs",
        "ftp",
        "help",
        "imap",
        "login",
        "mail",
        "media",
        "ns1",
        "ns2",
        "platform",
        "pop",
        "public",
        "reference",
        "references",
        "root",
        "signup",
        "smtp",
        "sso",
        "staff",
        "static",
        "status",
        "support",
        "test",
        "www",
    }
)
SUBDOMAIN_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")


def luhn_is_valid(digits: str) -> bool:
    """Luhn check over a string of digits (the key is the last digit)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def finess_key_is_valid(finess: str) -> bool:
    # Corsica's départements 2A and 2B are read as their former number 20 for the key.
    return luhn_is_valid(finess.replace("2A", "20", 1).replace("2B", "20", 1))


def normalise_finess(value: str) -> str:
    return re.sub(r"[\s.-]", "", value or "").upper()


def validate_finess(value: str) -> None:
    finess = normalise_finess(value)
    if not FINESS_RE.match(finess):
        raise ValidationError(
            _(
                "A FINESS number has nine characters: two for the département (digits, 2A or "
                "2B) then seven digits."
            ),
            code="finess_format",
        )
    if not finess_key_is_valid(finess):
        raise ValidationError(
            _("The check key (last digit) of this FINESS number is wrong."), code="finess_key"
        )


def validate_subdomain(value: str) -> None:
    if not SUBDOMAIN_RE.match(value):
        raise ValidationError(
            _(
                "Use 1 to 40 lower-case letters, digits or hyphens, starting and ending with a "
                "letter or a digit."
            ),
            code="subdomain_format",
        )
    if value in RESERVED_SUBDOMAINS:
        raise ValidationError(_("This name is reserved."), code="subdomain_reserved")
