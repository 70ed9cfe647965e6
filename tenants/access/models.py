"""Role grants on scopes (the whole tenant, an establishment, a pôle, an UF, an expertise
domain), their history, and the expertise domains."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from saas.audit import track
from tenants.structure.models import Establishment, FunctionalUnit, Pole


class Role(models.TextChoices):
    REQUESTER = "requester", _("Requester")
    POLE_HEAD = "pole_head", _("Head of pôle")
    DISPATCHER = "dispatcher", _("Dispatcher")
    EXPERT = "expert", _("Expert")
    MANAGEMENT = "management", _("Management")
    COMMISSION = "commission", _("Commission member")
    BUYER = "buyer", _("Buyer")
    FINANCE = "finance", _("Finance")
    VIEWER = "viewer", _("Viewer")
    TENANT_ADMIN = "tenant_admin", _("Tenant administrator")


class ScopeKind(models.TextChoices):
    TENANT = "tenant", _("Whole tenant")
    ESTABLISHMENT = "establishment", _("Establishment")
    POLE = "pole", _("Pôle")
    UF = "uf", _("UF")
    DOMAIN = "domain", _("Expertise domain")


class ExpertiseDomain(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name = _("expertise domain")
        verbose_name_plural = _("expertise domains")

    def __str__(self) -> str:
        return self.name


class GrantSource(models.TextChoices):
    MANUAL = "manual", _("Granted by an administrator")
    OIDC = "oidc", _("From the identity provider")


class RoleGrant(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    scope = models.CharField(_("scope"), max_length=16, choices=ScopeKind.choices)
    establishment = models.ForeignKey(
        Establishment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    pole = models.ForeignKey(
        Pole, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    uf = models.ForeignKey(
        FunctionalUnit, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    domain = models.ForeignKey(
        ExpertiseDomain, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField(
        max_length=16, choices=GrantSource.choices, default=GrantSource.MANUAL
    )
    # For grants that come from an identity provider: which one (its slug).
    source_provider = models.CharField(max_length=60, blank=True)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role", "scope"]
        constraints = [
            # Exactly the target that the scope kind names is set, and no other.
            models.CheckConstraint(
                name="access_grant_scope_target",
                condition=(
                    Q(
                        scope=ScopeKind.TENANT,
                        establishment__isnull=True,
                        pole__isnull=True,
                        uf__isnull=True,
                        domain__isnull=True,
                    )
                    | Q(
                        scope=ScopeKind.ESTABLISHMENT,
                        establishment__isnull=False,
                        pole__isnull=True,
                        uf__isnull=True,
                        domain__isnull=True,
                    )
                    | Q(
                        scope=ScopeKind.POLE,
                        pole__isnull=False,
                        establishment__isnull=True,
                        uf__isnull=True,
                        domain__isnull=True,
                    )
                    | Q(
                        scope=ScopeKind.UF,
                        uf__isnull=False,
                        establishment__isnull=True,
                        pole__isnull=True,
                        domain__isnull=True,
                    )
                    | Q(
                        scope=ScopeKind.DOMAIN,
                        domain__isnull=False,
                        establishment__isnull=True,
                        pole__isnull=True,
                        uf__isnull=True,
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "scope", "establishment", "pole", "uf", "domain"],
                name="access_grant_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} — {self.scope_label}"

    @property
    def scope_target(self) -> models.Model | None:
        return self.establishment or self.pole or self.uf or self.domain

    @property
    def scope_label(self) -> str:
        """The scope as a name ("UF 1101 Réanimation — CHU Nord"), never its key."""
        from tenants.access.scopes import scope_label  # the map reads this module's models

        return scope_label(self.scope, self.scope_target)


class AccessEvent(models.Model):
    """Every change of who may do what: invitations, (de)activations, grants and revocations.

    Kept as text, so the history survives the user or the grant it speaks of.
    """

    class Action(models.TextChoices):
        INVITED = "invited", _("invited")
        DEACTIVATED = "deactivated", _("deactivated")
        REACTIVATED = "reactivated", _("reactivated")
        GRANTED = "granted", _("granted")
        REVOKED = "revoked", _("revoked")

    at = models.DateTimeField(_("when"), auto_now_add=True)
    actor = models.CharField(_("by"), max_length=254)
    action = models.CharField(_("what"), max_length=16, choices=Action.choices)
    user_email = models.CharField(_("user"), max_length=254)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    scope = models.CharField(_("scope"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.actor} {self.action} {self.user_email} {self.role} {self.scope}".strip()


# The audit trail (saas/audit): every change to these tables is recorded with who and where.
track(ExpertiseDomain, RoleGrant)
