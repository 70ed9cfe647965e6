"""The single answer to "may this user do this action on this object?".

Views, the API and tasks all ask ``has_permission`` (or ``require``); nothing else reads grants
to decide. An action names the roles that may perform it; a grant covers an object when the
object sits inside the grant's scope: the whole tenant covers everything, an establishment
covers its pôles, services and UF, a pôle its services and UF, an UF itself, an expertise
domain the objects routed to that domain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps
from typing import Any, Protocol

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse

from tenants.access.models import Role, RoleGrant, ScopeKind
from tenants.access.scopes import GRANT_TARGETS
from tenants.accounts.models import User
from tenants.structure.models import Establishment, FunctionalUnit, Pole, Service


class Action(StrEnum):
    ADMINISTER_TENANT = "tenant.administer"
    VIEW_STRUCTURE = "structure.view"
    VIEW_ALERTS = "alerts.view"
    VIEW_REFERENCES = "references.view"
    MANAGE_REFERENCES = "references.manage"
    MANAGE_CAMPAIGNS = "campaigns.manage"
    DRAFT_REQUEST = "requests.draft"
    GIVE_POLE_OPINION = "requests.pole_opinion"
    DISPATCH_REQUEST = "requests.dispatch"
    EXPERTISE_REQUEST = "requests.expertise"
    VALIDATE_REQUEST = "requests.validate"
    ARBITRATE_REQUEST = "requests.arbitrate"
    FOLLOW_PLAN = "plan.follow"
    ASSIGN_LINE_MANAGER = "plan.assign_manager"
    MANAGE_LINES = "plan.manage"
    BUY = "plan.buy"
    RECORD_PAYMENTS = "plan.record_payments"
    RECORD_LOAN = "loans.record"
    VIEW_TRIALS = "trials.view"
    MANAGE_TRIALS = "trials.manage"
    EVALUATE_TRIALS = "trials.evaluate"
    VIEW_MARKETS = "markets.view"
    MANAGE_MARKETS = "markets.manage"
    VIEW_PURCHASES = "purchasing.view"
    SEARCH_CATALOGUE = "catalogue.search"
    MANAGE_CATALOGUE = "catalogue.manage"
    VIEW_FINANCE = "finance.view"
    IMPORT_FINANCE = "finance.import"


ALL_ROLES = frozenset(Role)

ALLOWED_ROLES: dict[Action, frozenset[Role]] = {
    Action.ADMINISTER_TENANT: frozenset({Role.TENANT_ADMIN}),
    Action.VIEW_STRUCTURE: ALL_ROLES,
    Action.VIEW_ALERTS: ALL_ROLES,
    Action.VIEW_REFERENCES: ALL_ROLES,
    # Biomedical engineers set the hospital's own values and send corrections.
    Action.MANAGE_REFERENCES: frozenset({Role.TENANT_ADMIN, Role.EXPERT}),
    Action.MANAGE_CAMPAIGNS: frozenset({Role.TENANT_ADMIN, Role.MANAGEMENT}),
    # Requesters ask for their UF; heads of pôle and administrators may too.
    Action.DRAFT_REQUEST: frozenset({Role.REQUESTER, Role.POLE_HEAD, Role.TENANT_ADMIN}),
    Action.GIVE_POLE_OPINION: frozenset({Role.POLE_HEAD}),
    Action.DISPATCH_REQUEST: frozenset({Role.DISPATCHER}),
    Action.EXPERTISE_REQUEST: frozenset({Role.EXPERT}),
    Action.VALIDATE_REQUEST: frozenset({Role.MANAGEMENT}),
    Action.ARBITRATE_REQUEST: frozenset({Role.COMMISSION}),
    # The acquisition follow-up: the biomedical team, purchasing and finance see every field
    # of a plan line (private note, amounts); a requester sees its public side.
    Action.FOLLOW_PLAN: frozenset(
        {
            Role.EXPERT,
            Role.DISPATCHER,
            Role.BUYER,
            Role.FINANCE,
            Role.MANAGEMENT,
            Role.TENANT_ADMIN,
        }
    ),
    Action.ASSIGN_LINE_MANAGER: frozenset({Role.DISPATCHER, Role.TENANT_ADMIN}),
    # Experts may manage a line: a dispatcher names one its operation manager.
    Action.MANAGE_LINES: frozenset({Role.EXPERT}),
    Action.BUY: frozenset({Role.BUYER}),
    Action.RECORD_PAYMENTS: frozenset({Role.FINANCE}),
    # Loans between services: the biomedical team (experts), and the services that may ask
    # for the lending or the borrowing UF.
    Action.RECORD_LOAN: frozenset({Role.EXPERT, Role.REQUESTER, Role.POLE_HEAD, Role.TENANT_ADMIN}),
    # Manufacturers' trial loans: the biomedical team runs them; the trying UF's people see
    # them and fill the clinical evaluation; dispatch, management and purchasing read them.
    Action.VIEW_TRIALS: frozenset(
        {
            Role.REQUESTER,
            Role.POLE_HEAD,
            Role.DISPATCHER,
            Role.EXPERT,
            Role.MANAGEMENT,
            Role.BUYER,
            Role.VIEWER,
            Role.TENANT_ADMIN,
        }
    ),
    Action.MANAGE_TRIALS: frozenset({Role.EXPERT}),
    Action.EVALUATE_TRIALS: frozenset({Role.REQUESTER, Role.POLE_HEAD}),
    # Markets are the tenant's, whatever the scope of the grant: the people who buy, plan,
    # expertise, arbitrate or pay see them; buyers and administrators keep the local ones
    # and say which legal entities use which market. Requesters and heads of pôle do not
    # see the amounts negotiated.
    Action.VIEW_MARKETS: frozenset(
        {
            Role.BUYER,
            Role.EXPERT,
            Role.DISPATCHER,
            Role.MANAGEMENT,
            Role.FINANCE,
            Role.COMMISSION,
            Role.VIEWER,
            Role.TENANT_ADMIN,
        }
    ),
    Action.MANAGE_MARKETS: frozenset({Role.BUYER, Role.TENANT_ADMIN}),
    # Purchasing: purchase requests, files and off-contract exceptions are the buyers' (who
    # act through BUY); the biomedical team drafts requests on its lines (MANAGE_LINES), and
    # those who follow the plan read them.
    Action.VIEW_PURCHASES: frozenset(
        {
            Role.EXPERT,
            Role.DISPATCHER,
            Role.BUYER,
            Role.FINANCE,
            Role.MANAGEMENT,
            Role.TENANT_ADMIN,
        }
    ),
    # The catalogue of consumables and accessories: everyone searches it and keeps lists;
    # purchasing (and the tenant's administrators) import it and set its photos.
    Action.SEARCH_CATALOGUE: ALL_ROLES,
    Action.MANAGE_CATALOGUE: frozenset({Role.BUYER, Role.TENANT_ADMIN}),
    # The finance system's data (orders, fixed assets, invoices) and what the controls find in
    # it: finance, purchasing, the biomedical team and management read it; finance and the
    # tenant's administrators import its exports.
    Action.VIEW_FINANCE: frozenset(
        {Role.FINANCE, Role.BUYER, Role.EXPERT, Role.MANAGEMENT, Role.TENANT_ADMIN}
    ),
    Action.IMPORT_FINANCE: frozenset({Role.FINANCE, Role.TENANT_ADMIN}),
}

# On which kinds of scope each role makes sense.
STRUCTURE_SCOPES = frozenset(
    {ScopeKind.TENANT, ScopeKind.ESTABLISHMENT, ScopeKind.POLE, ScopeKind.UF}
)
ROLE_SCOPES: dict[Role, frozenset[ScopeKind]] = {
    **{role: STRUCTURE_SCOPES for role in Role},
    Role.TENANT_ADMIN: frozenset({ScopeKind.TENANT}),
    Role.EXPERT: frozenset({ScopeKind.TENANT, ScopeKind.DOMAIN}),
    Role.DISPATCHER: frozenset({ScopeKind.TENANT, ScopeKind.ESTABLISHMENT, ScopeKind.DOMAIN}),
}


@dataclass(frozen=True)
class ScopePath:
    """Where an object sits: its establishment, pôle, UF and expertise domain (when it has them)."""

    establishment_id: int | None = None
    pole_id: int | None = None
    uf_id: int | None = None
    domain_id: int | None = None


class Scoped(Protocol):
    def scope_path(self) -> ScopePath: ...


def scope_path_of(obj: object) -> ScopePath:
    if isinstance(obj, Establishment):
        return ScopePath(establishment_id=obj.pk)
    if isinstance(obj, Pole):
        return ScopePath(establishment_id=obj.establishment_id, pole_id=obj.pk)
    if isinstance(obj, Service):
        return ScopePath(establishment_id=obj.pole.establishment_id, pole_id=obj.pole_id)
    if isinstance(obj, FunctionalUnit):
        pole = obj.service.pole
        return ScopePath(establishment_id=pole.establishment_id, pole_id=pole.pk, uf_id=obj.pk)
    path = getattr(obj, "scope_path", None)
    if callable(path):
        result: ScopePath = path()
        return result
    raise TypeError(f"{type(obj).__name__} does not say where it sits in the structure")


def grant_covers(grant: RoleGrant, path: ScopePath) -> bool:
    if grant.scope == ScopeKind.TENANT:
        return True
    if grant.scope not in GRANT_TARGETS:
        return False
    # The grant's target and the object's place of that kind: RoleGrant.pole_id, path.pole_id.
    within = getattr(path, f"{grant.scope}_id")
    return within is not None and within == getattr(grant, f"{grant.scope}_id")


def grants_of(user: User) -> list[RoleGrant]:
    """The user's grants, read once per user object (a request's user is one object)."""
    cached: list[RoleGrant] | None = getattr(user, "_grants_cache", None)
    if cached is None:
        cached = list(RoleGrant.objects.filter(user=user))
        user._grants_cache = cached  # type: ignore[attr-defined]
    return cached


def with_grants(users: Iterable[User]) -> list[User]:
    """The users, each with their grants read (one query for them all): asking
    ``has_permission`` of each of many people then reads nothing more."""
    people = list(users)
    found: dict[int, list[RoleGrant]] = {person.pk: [] for person in people}
    for grant in RoleGrant.objects.filter(user__in=people):
        found[grant.user_id].append(grant)
    for person in people:
        person._grants_cache = found[person.pk]  # type: ignore[attr-defined]
    return people


def has_permission(user: User | AnonymousUser, action: Action, obj: object | None = None) -> bool:
    """May ``user`` do ``action`` on ``obj``?

    Without an object, any grant of an allowed role is enough (list pages then show only what
    the user's scopes cover).
    """
    if not user.is_authenticated or not user.is_active:
        return False
    allowed = ALLOWED_ROLES[action]
    grants = [g for g in grants_of(user) if g.role in allowed]  # type: ignore[arg-type]
    if obj is None:
        return bool(grants)
    path = scope_path_of(obj)
    return any(grant_covers(g, path) for g in grants)


def scope_filter(
    user: User | AnonymousUser, action: Action, uf_path: str, *, domain_path: str | None = None
) -> Q:
    """A filter keeping the rows whose UF (reached by ``uf_path``) the user's grants for
    ``action`` cover: list pages show only what the user's scopes cover.

    A tenant-wide grant keeps every row. A grant on an expertise domain keeps the rows routed
    to that domain (reached by ``domain_path``), as ``has_permission`` does: a dispatcher or an
    expert of one domain does not see what went to another, nor what was never routed. Rows
    that carry no domain at all (``domain_path`` None: alerts on equipment, which concern the
    domain's experts everywhere) are all kept by a domain grant.
    """
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    allowed = ALLOWED_ROLES[action]
    # An empty path filters the UF themselves (suggestions of the UF one may choose).
    uf_path = f"{uf_path}__" if uf_path else ""
    keep = Q(pk__in=[])
    for grant in grants_of(user):  # type: ignore[arg-type]
        if grant.role not in allowed:
            continue
        if grant.scope == ScopeKind.TENANT:
            return Q()
        if grant.scope == ScopeKind.DOMAIN:
            if domain_path is None:
                return Q()
            keep |= Q(**{domain_path: grant.domain_id})
        elif (from_uf := GRANT_TARGETS[grant.scope].from_uf) is not None:
            keep |= Q(**{f"{uf_path}{from_uf}": getattr(grant, f"{grant.scope}_id")})
    return keep


def require(user: User | AnonymousUser, action: Action, obj: object | None = None) -> None:
    if not has_permission(user, action, obj):
        raise PermissionDenied(f"Not allowed: {action}")


def permission_required(
    action: Action,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """View decorator: sign-in first, then the action (403 when signed in without the right)."""
    from django.contrib.auth.views import redirect_to_login

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require(request.user, action)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
