"""Granting and revoking roles on scopes; every change is recorded."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from saas.errors import UserError
from tenants.access.models import AccessEvent, GrantSource, Role, RoleGrant, ScopeKind
from tenants.access.permissions import ROLE_SCOPES
from tenants.access.scopes import GRANT_TARGETS, parse_target, scope_label
from tenants.accounts.models import User


class GrantRefused(UserError):
    """A grant that cannot be made; ``field`` names the form field at fault."""


def parse_scope(value: str) -> tuple[str, Model | None]:
    """``tenant`` or ``<kind>:<id>`` (the grant form's values) into a scope kind and its target."""
    if value == ScopeKind.TENANT:
        return value, None
    try:
        kind, target = parse_target(value, GRANT_TARGETS)
    except ValueError as exc:
        raise GrantRefused("scope", _("Unknown scope.")) from exc
    if target is None:
        raise GrantRefused("scope", _("This scope no longer exists."))
    return kind, target


def scope_value_label(value: str) -> str:
    """A stored scope value (``tenant``, ``pole:3``) as people read it: a name, never the key."""
    try:
        kind, target = parse_scope(value)
    except GrantRefused as refused:
        return str(refused)
    return scope_label(kind, target)


def record(actor: str, action: str, user: User, grant: RoleGrant | None = None) -> None:
    AccessEvent.objects.create(
        actor=actor,
        action=action,
        user_email=user.email,
        role=grant.role if grant else "",
        scope=grant.scope_label if grant else "",
    )


def grant_role(
    user: User,
    role: str,
    scope: str,
    target: Model | None = None,
    *,
    by: str,
    source: str = GrantSource.MANUAL,
    provider: str = "",
) -> RoleGrant:
    """Grant ``role`` to ``user`` on a scope (``target`` is the establishment, pôle, UF or domain).

    ``by`` is the e-mail of whoever grants (or ``oidc:<provider>``), kept in the history.
    """
    if role not in Role.values:
        raise GrantRefused("role", _("Unknown role."))
    if scope not in ScopeKind.values:
        raise GrantRefused("scope", _("Unknown scope."))
    if ScopeKind(scope) not in ROLE_SCOPES[Role(role)]:
        raise GrantRefused(
            "scope",
            _("The role %(role)s cannot be granted on this kind of scope.")
            % {"role": Role(role).label},
        )
    expected = GRANT_TARGETS.get(scope)
    fields: dict[str, Model] = {}
    if expected is None:
        if target is not None:
            raise GrantRefused("target", _("The whole tenant takes no target."))
    else:
        if not isinstance(target, expected.model):
            raise GrantRefused(
                "target", _("Choose the %(kind)s.") % {"kind": ScopeKind(scope).label}
            )
        fields[expected.kind] = target
    try:
        with transaction.atomic():
            grant = RoleGrant.objects.create(
                user=user, role=role, scope=scope, source=source, source_provider=provider, **fields
            )
            record(by, AccessEvent.Action.GRANTED, user, grant)
    except IntegrityError as exc:
        raise GrantRefused("role", _("This user already holds this role on this scope.")) from exc
    return grant


def revoke_grant(grant: RoleGrant, *, by: str) -> None:
    with transaction.atomic():
        record(by, AccessEvent.Action.REVOKED, grant.user, grant)
        grant.delete()
