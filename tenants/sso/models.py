"""A tenant's OpenID Connect providers, the claim-to-role mappings, and who is who at each."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from saas.audit import track
from saas.crypto import decrypt, encrypt
from tenants.access.models import Role


class IdentityProvider(models.Model):
    name = models.CharField(_("name shown on the login page"), max_length=120)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    discovery_url = models.URLField(
        _("discovery URL"),
        help_text=_("The provider's .well-known/openid-configuration address."),
    )
    client_id = models.CharField(_("client id"), max_length=255)
    client_secret_encrypted = models.TextField(blank=True)
    scopes = models.CharField(_("scopes"), max_length=255, default="openid email profile")
    extra_parameters = models.JSONField(
        _("extra authorisation parameters"),
        default=dict,
        blank=True,
        help_text=_('For example {"acr_values": "eidas1"} for Pro Santé Connect.'),
    )
    email_claim = models.CharField(_("claim holding the e-mail"), max_length=120, default="email")
    name_claim = models.CharField(_("claim holding the name"), max_length=120, default="name")
    link_existing_by_email = models.BooleanField(
        _("link to an existing account with the same e-mail on first login"),
        default=False,
        help_text=_("Only for a provider you trust to verify e-mail addresses."),
    )
    is_enabled = models.BooleanField(_("offered on the login page"), default=True)
    # What the last failure was, for the administrator (users only see a plain message).
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def client_secret(self) -> str:
        return decrypt(self.client_secret_encrypted)

    @client_secret.setter
    def client_secret(self, value: str) -> None:
        self.client_secret_encrypted = encrypt(value)


class ClaimRoleMapping(models.Model):
    """If the claim at ``claim_path`` holds ``value``, the user gets ``role`` on ``scope``."""

    provider = models.ForeignKey(
        IdentityProvider, on_delete=models.CASCADE, related_name="mappings"
    )
    claim_path = models.CharField(
        _("claim path"),
        max_length=255,
        help_text=_("Dotted path into the claims, lists are searched: groups, realm_access.roles"),
    )
    value = models.CharField(_("value"), max_length=255)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    # "tenant" or "<kind>:<id>", the values of the grant form's scope field.
    scope = models.CharField(_("scope"), max_length=60, default="tenant")

    class Meta:
        ordering = ["claim_path", "value"]

    def __str__(self) -> str:
        return f"{self.claim_path} = {self.value} → {self.get_role_display()} ({self.scope_label})"

    @property
    def scope_label(self) -> str:
        from tenants.access.services import scope_value_label

        return scope_value_label(self.scope)


class ExternalIdentity(models.Model):
    """Who a user is at a provider: matched on (issuer, subject), never on the e-mail alone."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities"
    )
    provider = models.ForeignKey(
        IdentityProvider, on_delete=models.CASCADE, related_name="identities"
    )
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    last_login = models.DateTimeField(auto_now=True)
    last_claims = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.subject} @ {self.issuer}"


# The audit trail (saas/audit): every change to these tables is recorded with who and where.
track(IdentityProvider, ClaimRoleMapping, ExternalIdentity)
