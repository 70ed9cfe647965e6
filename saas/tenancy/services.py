"""Sign-up and the platform staff's actions on tenants."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from saas.errors import UserError
from saas.tenancy.models import Domain, SignupRequest, Tenant, TenantEvent, TenantKind, TenantStatus
from saas.tenancy.provisioning import schema_name_for
from saas.tenancy.urls_helpers import public_url, tenant_host
from tenants.access.models import Role
from tenants.accounts.models import User

SIGNUP_TOKEN_SALT = "saas.tenancy.signup"
SIGNUP_CONFIRMATION_DAYS = 3


class SignupError(UserError):
    """A sign-up that cannot go on; the reason is for the person signing up (``field``: the
    sub-domain taken, or the confirmation link)."""


class TenantActionRefused(UserError):
    """A staff action that does not apply to the tenant in its current state (409), or a
    suspension without its reason (400)."""

    status = 409


def subdomain_is_taken(subdomain: str) -> bool:
    """Taken by a tenant, or held by a sign-up still waiting for its confirmation."""
    if Domain.objects.filter(domain__iexact=tenant_host(subdomain)).exists():
        return True
    if Tenant.objects.filter(schema_name=schema_name_for(subdomain)).exists():
        return True
    fresh = timezone.now() - timedelta(days=SIGNUP_CONFIRMATION_DAYS)
    return SignupRequest.objects.filter(
        subdomain=subdomain, confirmed__isnull=True, created__gte=fresh
    ).exists()


def request_signup(
    *, name: str, kind: str, finess: str, contact_email: str, subdomain: str
) -> SignupRequest:
    """Record a sign-up and e-mail its contact the confirmation link."""
    if subdomain_is_taken(subdomain):
        raise SignupError("subdomain", _("This sub-domain is already taken."))
    signup = SignupRequest.objects.create(
        name=name,
        kind=kind,
        finess=finess,
        contact_email=contact_email.lower(),
        subdomain=subdomain,
    )
    token = signing.dumps(signup.pk, salt=SIGNUP_TOKEN_SALT)
    path = reverse("tenancy:signup_confirm", kwargs={"token": token}, urlconf="saas.urls_public")
    link = public_url(path)
    send_mail(
        subject=_("Confirm the creation of %(name)s's equipment plan") % {"name": name},
        message=render_to_string(
            "tenancy/email/confirm_signup.txt",
            {"signup": signup, "link": link, "days": SIGNUP_CONFIRMATION_DAYS},
        ),
        from_email=None,
        recipient_list=[signup.contact_email],
    )
    return signup


def confirm_signup(token: str) -> SignupRequest:
    """Turn a confirmed sign-up into a tenant being provisioned, and queue its provisioning."""
    try:
        signup_id = signing.loads(
            token, salt=SIGNUP_TOKEN_SALT, max_age=timedelta(days=SIGNUP_CONFIRMATION_DAYS)
        )
    except signing.SignatureExpired as exc:
        raise SignupError(
            "token", _("This confirmation link has expired; please sign up again.")
        ) from exc
    except signing.BadSignature as exc:
        raise SignupError("token", _("This confirmation link is not valid.")) from exc

    try:
        return _confirm(signup_id)
    except IntegrityError as exc:  # another sign-up took the name between check and insert
        raise SignupError(
            "subdomain", _("This sub-domain has been taken in the meantime; please sign up again.")
        ) from exc


def _confirm(signup_id: int) -> SignupRequest:
    with transaction.atomic():
        signup = SignupRequest.objects.select_for_update().filter(pk=signup_id).first()
        if signup is None:
            raise SignupError("token", _("This confirmation link is not valid."))
        if signup.confirmed is not None:
            return signup  # a second click changes nothing
        schema_name = schema_name_for(signup.subdomain)
        if (
            Domain.objects.filter(domain__iexact=tenant_host(signup.subdomain)).exists()
            or Tenant.objects.filter(schema_name=schema_name).exists()
        ):
            raise SignupError(
                "subdomain",
                _("This sub-domain has been taken in the meantime; please sign up again."),
            )
        tenant = Tenant.objects.create(
            schema_name=schema_name,
            name=signup.name,
            kind=signup.kind,
            finess=signup.finess,
            contact_email=signup.contact_email,
            status=TenantStatus.PROVISIONING,
        )
        signup.confirmed = timezone.now()
        signup.tenant = tenant
        signup.save(update_fields=["confirmed", "tenant"])
        TenantEvent.objects.create(
            tenant=tenant, action=TenantEvent.Action.CREATED, by=signup.contact_email
        )
        transaction.on_commit(lambda: queue_provisioning(tenant))
    return signup


def queue_provisioning(tenant: Tenant) -> None:
    from saas.tenancy.tasks import provision_tenant_task

    signup = tenant.signup_request
    provision_tenant_task.delay(tenant.pk, signup.subdomain, signup.contact_email)


def _set_status(tenant: Tenant, status: str, *, by: User, action: str, reason: str) -> Tenant:
    with transaction.atomic():
        tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
        tenant.status = status
        tenant.status_reason = reason
        tenant.save(update_fields=["status", "status_reason", "status_changed"])
        TenantEvent.objects.create(tenant=tenant, action=action, by=by.email, reason=reason)
    return tenant


def suspend_tenant(tenant: Tenant, *, by: User, reason: str) -> Tenant:
    if tenant.status != TenantStatus.ACTIVE:
        raise TenantActionRefused("status", _("Only an active tenant can be suspended."))
    if not reason.strip():
        raise TenantActionRefused("reason", _("Say why the tenant is suspended."), status=400)
    return _set_status(
        tenant, TenantStatus.SUSPENDED, by=by, action=TenantEvent.Action.SUSPENDED, reason=reason
    )


def reactivate_tenant(tenant: Tenant, *, by: User) -> Tenant:
    if tenant.status != TenantStatus.SUSPENDED:
        raise TenantActionRefused("status", _("Only a suspended tenant can be reactivated."))
    return _set_status(
        tenant, TenantStatus.ACTIVE, by=by, action=TenantEvent.Action.REACTIVATED, reason=""
    )


def retry_provisioning(tenant: Tenant, *, by: User) -> Tenant:
    if tenant.status != TenantStatus.FAILED:
        raise TenantActionRefused(
            "status", _("Only a tenant whose provisioning failed can be retried.")
        )
    if not SignupRequest.objects.filter(tenant=tenant).exists():
        # Its sub-domain and contact come from the sign-up (tenants made by a command have none).
        raise TenantActionRefused("tenant", _("This tenant has no sign-up to provision it from."))
    tenant = _set_status(
        tenant,
        TenantStatus.PROVISIONING,
        by=by,
        action=TenantEvent.Action.RETRIED,
        reason=tenant.status_reason,
    )
    transaction.on_commit(lambda: queue_provisioning(tenant))
    return tenant


def resend_invitation(tenant: Tenant, *, by: User) -> None:
    """Queue, in the tenant's schema, a new invitation for its first administrator."""
    from tenants.accounts.tasks import send_invitation_task  # tasks import this module's app

    if tenant.status != TenantStatus.ACTIVE:
        raise TenantActionRefused(
            "status", _("Only an active tenant's administrator can be invited again.")
        )
    domain = tenant.get_primary_domain()
    if domain is None:
        raise TenantActionRefused("tenant", _("This tenant has no host name to invite to."))
    with tenant_context(tenant):
        admin = (
            User.objects.filter(grants__role=Role.TENANT_ADMIN, is_active=True)
            .order_by("date_joined")
            .first()
        )
        if admin is None:
            raise TenantActionRefused("tenant", _("This tenant has no administrator to invite."))
        send_invitation_task.delay(admin.pk, domain.domain)
    TenantEvent.objects.create(
        tenant=tenant, action=TenantEvent.Action.INVITATION_RESENT, by=by.email
    )


def ensure_public_tenant() -> Tenant:
    """The registry row of the public schema and its host (the platform's own host)."""
    tenant, _created = Tenant.objects.get_or_create(
        schema_name="public",
        defaults={"name": "Platform", "kind": TenantKind.PLATFORM, "status": TenantStatus.ACTIVE},
    )
    Domain.objects.get_or_create(
        domain=settings.BASE_DOMAIN, defaults={"tenant": tenant, "is_primary": True}
    )
    return tenant
