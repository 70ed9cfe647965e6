"""Suggestions of reference entities (registered in MirrorConfig.ready)."""

from __future__ import annotations

from saas.labels import matching_words
from tenants.accounts.models import User
from tenants.core.suggest import LIMIT
from tenants.mirror.models import ReferenceTerm
from tenants.mirror.sync import search_catalogue


def catalogue_models(text: str, user: User) -> list[tuple[str, str]]:
    """The reference server's whole catalogue, searched live (values: central UUIDs)."""
    return search_catalogue(text, LIMIT) if len(text.strip()) >= 2 else []


def nomenclature_codes(text: str, user: User) -> list[tuple[str, str]]:
    """Mirrored codes whose code or labels hold every word typed (case and accents ignored)."""
    terms = matching_words(ReferenceTerm.objects.exclude(status="deleted"), text)
    return [(t.code, f"{t.code} {t.label}") for t in terms.order_by("code")[:LIMIT]]
