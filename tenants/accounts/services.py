"""State changes on users: invitations and the first administrator of a new tenant."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from saas.errors import UserError
from saas.tenancy.urls_helpers import host_url
from tenants.accounts.models import User


class AccountRefused(UserError):
    """An account change that cannot be made; the reason is for the administrator."""


def invite_first_administrator(email: str) -> User:
    """Create the tenant's first administrator, without a password until they set one.

    Must run inside the tenant's schema (provisioning does so).
    """
    from tenants.access.models import Role, ScopeKind
    from tenants.access.services import grant_role

    user = User.objects.create_user(email)
    grant_role(user, Role.TENANT_ADMIN, ScopeKind.TENANT, by="platform")
    return user


def invite_user(email: str, *, full_name: str, by: User, host: str, tenant_name: str) -> User:
    """Create a user of this tenant and e-mail them the link to choose a password."""
    from tenants.access.models import AccessEvent
    from tenants.access.services import record

    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise AccountRefused("email", _("A user with this e-mail address already exists."))
    with transaction.atomic():
        user = User.objects.create_user(email, full_name=full_name)
        record(by.email, AccessEvent.Action.INVITED, user)
    send_invitation(user, host=host, tenant_name=tenant_name)
    return user


def set_user_active(user: User, active: bool, *, by: User) -> User:
    """Deactivate (the user is signed out at their next request) or reactivate a user."""
    from tenants.access.models import AccessEvent
    from tenants.access.services import record

    if user.pk == by.pk and not active:
        raise AccountRefused("active", _("You cannot deactivate yourself."))
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        action = AccessEvent.Action.REACTIVATED if active else AccessEvent.Action.DEACTIVATED
        record(by.email, action, user)
    return user


def set_password_link(user: User, *, host: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse(
        "accounts:set_password", kwargs={"uidb64": uid, "token": token}, urlconf="saas.urls_tenant"
    )
    return host_url(host, path)


def send_invitation(user: User, *, host: str, tenant_name: str) -> None:
    """E-mail a user the link to choose a password (must run inside the tenant's schema)."""
    context = {
        "user": user,
        "tenant_name": tenant_name,
        "link": set_password_link(user, host=host),
        "login_url": host_url(host, reverse("accounts:login", urlconf="saas.urls_tenant")),
    }
    send_mail(
        subject=_("Your access to %(tenant)s's equipment plan") % {"tenant": tenant_name},
        message=render_to_string("accounts/email/invitation.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
