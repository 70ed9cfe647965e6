"""What people do with a finding: assign it, comment on it, accept it as justified, reopen it."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from saas.errors import UserError
from tenants.access.models import Role, RoleGrant, ScopeKind
from tenants.access.permissions import (
    ALLOWED_ROLES,
    Action,
    ScopePath,
    grant_covers,
    grants_of,
    scope_path_of,
)
from tenants.accounts.models import User
from tenants.controls.models import Finding, FindingEvent, FindingState
from tenants.controls.registry import check_for

TEXT_LIMIT = 2000


class Refused(UserError):
    """A change to a finding refused: who may not (403), someone acted meanwhile (409), or
    what was typed (400)."""


def _covers(grant: RoleGrant, path: ScopePath) -> bool:
    """As the findings' list filters them (``scope_filter`` without a domain path): a
    finding carries no expertise domain, so a grant on a domain covers every one."""
    return grant.scope == ScopeKind.DOMAIN or grant_covers(grant, path)


def may_see(user: User, finding: Finding) -> bool:
    """Exactly the findings ``selectors.findings_for`` lists: a link of the list never 404s."""
    check = check_for(finding.code)
    if check is None or not user.is_authenticated or not user.is_active:
        return False
    allowed = ALLOWED_ROLES[Action(check.action)]
    path = scope_path_of(finding)
    return any(g.role in allowed and _covers(g, path) for g in grants_of(user))


def may_act(user: User, finding: Finding) -> bool:
    """The check's owners and the tenant's administrators, in the finding's scope."""
    check = check_for(finding.code)
    if check is None or not may_see(user, finding):
        return False
    path = scope_path_of(finding)
    acting = {check.owner, Role.TENANT_ADMIN}
    return any(g.role in acting and _covers(g, path) for g in grants_of(user))


def _locked(finding: Finding, by: User, expected_version: int | None) -> Finding:
    locked = (
        Finding.objects.select_for_update(of=("self",))
        .select_related("uf__service__pole")
        .get(pk=finding.pk)
    )
    if not may_act(by, locked):
        raise Refused("", _("Only the control's owners act on its findings."), status=403)
    if expected_version is not None and locked.version != expected_version:
        raise Refused(
            "version", _("someone changed this finding since you opened it: reload it"), status=409
        )
    return locked


def _text(value: str, field: str, *, required: bool) -> str:
    text = (value or "").strip()
    if "\x00" in text:
        raise Refused(field, _("contains a character that is not text"))
    if len(text) > TEXT_LIMIT:
        raise Refused(
            field, _("is too long (%(limit)s characters at most)") % {"limit": TEXT_LIMIT}
        )
    if required and not text:
        raise Refused(field, _("This field is required."))
    return text


def _save(finding: Finding, **fields: object) -> Finding:
    Finding.objects.filter(pk=finding.pk).update(version=F("version") + 1, **fields)
    finding.refresh_from_db()
    return finding


@transaction.atomic
def assign(
    finding: Finding, assignee: User | None, *, by: User, expected_version: int | None = None
) -> Finding:
    finding = _locked(finding, by, expected_version)
    if assignee is not None and (not assignee.is_active or not may_see(assignee, finding)):
        raise Refused("assigned_to", _("this person does not see this finding"))
    finding = _save(finding, assigned_to=assignee)
    FindingEvent.objects.create(
        finding=finding,
        actor=by,
        action=FindingEvent.Action.ASSIGNED,
        note=str(assignee) if assignee else "",
    )
    return finding


@transaction.atomic
def comment(finding: Finding, text: str, *, by: User) -> FindingEvent:
    """Whoever sees a finding may comment on it."""
    if not may_see(by, finding):
        raise Refused("", _("You do not see this finding."), status=403)
    return FindingEvent.objects.create(
        finding=finding,
        actor=by,
        action=FindingEvent.Action.COMMENTED,
        note=_text(text, "text", required=True),
    )


@transaction.atomic
def accept(
    finding: Finding, reason: str, *, by: User, expected_version: int | None = None
) -> Finding:
    """Accepted as justified: it stays so while its data stay as they are now."""
    finding = _locked(finding, by, expected_version)
    if finding.state != FindingState.OPEN:
        raise Refused("", _("Only an open finding is accepted."), status=409)
    text = _text(reason, "reason", required=True)
    finding = _save(
        finding,
        state=FindingState.ACCEPTED,
        accepted_by=by,
        accepted_reason=text,
        accepted_fingerprint=finding.fingerprint,
    )
    FindingEvent.objects.create(
        finding=finding, actor=by, action=FindingEvent.Action.ACCEPTED, note=text
    )
    return finding


@transaction.atomic
def reopen(
    finding: Finding, reason: str, *, by: User, expected_version: int | None = None
) -> Finding:
    """An accepted finding opened again by a person (its justification no longer holds)."""
    finding = _locked(finding, by, expected_version)
    if finding.state != FindingState.ACCEPTED:
        raise Refused("", _("Only an accepted finding is opened again."), status=409)
    text = _text(reason, "reason", required=False)
    finding = _save(finding, state=FindingState.OPEN, accepted_fingerprint="")
    FindingEvent.objects.create(
        finding=finding, actor=by, action=FindingEvent.Action.REOPENED, note=text
    )
    return finding
