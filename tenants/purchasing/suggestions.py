"""Suggestions for the purchasing forms (registered in PurchasingConfig.ready): suppliers by
name, people by name or e-mail, the plan lines one may buy for by reference or title, the
markets' lots by number, title or market."""

from __future__ import annotations

from django.db.models import Q

from tenants.accounts.models import User
from tenants.core.suggest import LIMIT
from tenants.markets.models import Lot, Supplier
from tenants.plan.selectors import plan_lines_for
from tenants.purchasing import rules


def suppliers(text: str, user: User) -> list[tuple[str, str]]:
    text = " ".join(text.split())[:100]
    if not text:
        return []
    found = Supplier.objects.filter(Q(name__icontains=text) | Q(siren__startswith=text))
    return [(s.name, f"{s.name} · {s.siren}" if s.siren else s.name) for s in found[:LIMIT]]


def people(text: str, user: User) -> list[tuple[str, str]]:
    text = text.strip()[:100]
    if not text:
        return []
    found = User.objects.filter(is_active=True).filter(
        Q(full_name__icontains=text) | Q(email__istartswith=text)
    )
    return [
        (p.email, f"{p.full_name} · {p.email}" if p.full_name else p.email)
        for p in found.order_by("full_name")[:LIMIT]
    ]


def plan_lines(text: str, user: User) -> list[tuple[str, str]]:
    text = text.strip()[:100]
    if not text:
        return []
    found = (
        plan_lines_for(user)
        .filter(closed=False)
        .filter(Q(reference__icontains=text) | Q(title__icontains=text))
        .order_by("-year", "reference")
    )
    return [
        (line.reference, f"{line.reference} · {line.title} · UF {line.uf.code}")
        for line in found[: LIMIT * 2]
        if rules.may_draft_on(user, line)
    ][:LIMIT]


def lots(text: str, user: User) -> list[tuple[str, str]]:
    """A lot's value names its market too ("3 · LOC-2026-RESP"): the form reads both."""
    text = " ".join(text.split())[:100]
    if not text:
        return []
    found = (
        Lot.objects.filter(
            Q(number__iexact=text)
            | Q(title__icontains=text)
            | Q(market__reference__icontains=text)
            | Q(market__title__icontains=text)
        )
        .select_related("market")
        .order_by("market__reference", "number")
    )
    return [
        (
            f"{lot.number} · {lot.market.reference}",
            f"{lot.number} · {lot.title} · {lot.market.reference}",
        )
        for lot in found[:LIMIT]
    ]
