"""State changes on users: invitations and the first administrator of a new tenant."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from saas.tenancy.urls_helpers import host_url
from tenants.accounts.models import User


def invite_first_administrator(email: str, *, tenant_name: str) -> User:
    """Create the tenant's first administrator, without a password until they set one.

    Must run inside the tenant's schema. Until roles on scopes exist, the tenant
    administrator is the schema's superuser.
    """
    return User.objects.create_user(email, is_superuser=True, full_name="", is_staff=False)


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
