"""Reading the findings: which a person sees, and how they add up."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet

from tenants.access.permissions import Action, has_permission, scope_filter
from tenants.accounts.models import User
from tenants.controls.models import Finding, FindingState, Level
from tenants.controls.registry import every_check


def visible_checks(user: User) -> list[Any]:
    return [c for c in every_check() if has_permission(user, Action(c.action))]


def findings_for(user: User) -> QuerySet[Finding]:
    """The findings of the checks the person's roles read, in the person's scopes."""
    by_action: dict[str, list[str]] = defaultdict(list)
    for check in visible_checks(user):
        by_action[check.action].append(check.code)
    keep = Q(pk__in=[])
    for action, codes in by_action.items():
        keep |= Q(code__in=codes) & scope_filter(user, Action(action), "uf")
    return Finding.objects.filter(keep)


def lights(user: User) -> list[tuple[str, dict[int, int]]]:
    """Open findings per buyer (the finance system's manager code) and per level."""
    counts: dict[str, dict[int, int]] = defaultdict(lambda: dict.fromkeys(Level.values, 0))
    rows = (
        findings_for(user)
        .filter(state=FindingState.OPEN)
        .values("buyer", "level")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts[row["buyer"]][row["level"]] = row["n"]
    return sorted(counts.items(), key=lambda item: (item[0] == "", item[0]))


def per_check(user: User) -> list[tuple[Any, int, int]]:
    """Each check the person reads, with its open and accepted findings."""
    rows = (
        findings_for(user)
        .values("code")
        .annotate(
            open=Count("pk", filter=Q(state=FindingState.OPEN)),
            accepted=Count("pk", filter=Q(state=FindingState.ACCEPTED)),
        )
        .order_by()
    )
    counts = {r["code"]: (r["open"], r["accepted"]) for r in rows}
    return [(c, *counts.get(c.code, (0, 0))) for c in visible_checks(user)]
