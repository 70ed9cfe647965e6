"""The tenant registry: hospitals and GHTs, their host names, and their sign-up requests."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

from saas.tenancy.validators import validate_finess, validate_subdomain


class TenantKind(models.TextChoices):
    HOSPITAL = "hospital", _("Hospital")
    GHT = "ght", _("GHT (group of hospitals)")
    # The public schema's row and the spare schemas of the pool are not customers.
    PLATFORM = "platform", _("Platform")


class TenantStatus(models.TextChoices):
    SPARE = "spare", _("Spare schema (pool)")
    PROVISIONING = "provisioning", _("Provisioning")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    FAILED = "failed", _("Failed")


class Tenant(TenantMixin):
    name: models.CharField = models.CharField(_("name"), max_length=200)
    kind: models.CharField = models.CharField(_("kind"), max_length=16, choices=TenantKind.choices)
    finess: models.CharField = models.CharField(
        _("FINESS of the legal entity"), max_length=9, blank=True, validators=[validate_finess]
    )
    status: models.CharField = models.CharField(
        _("status"), max_length=16, choices=TenantStatus.choices, default=TenantStatus.PROVISIONING
    )
    status_reason: models.TextField = models.TextField(_("reason of the status"), blank=True)
    contact_email: models.EmailField = models.EmailField(_("contact e-mail"), blank=True)
    created: models.DateTimeField = models.DateTimeField(_("created"), auto_now_add=True)
    status_changed: models.DateTimeField = models.DateTimeField(_("status changed"), auto_now=True)

    # Schemas are created by saas.tenancy.provisioning, never as a side effect of save().
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_usable(self) -> bool:
        return self.status == TenantStatus.ACTIVE


class Domain(DomainMixin):
    class Meta:
        constraints = [models.UniqueConstraint(Lower("domain"), name="tenancy_domain_unique_lower")]


class SignupRequest(models.Model):
    """A hospital's or GHT's request for a tenant, waiting for its contact to confirm by e-mail."""

    name = models.CharField(_("name of the hospital or GHT"), max_length=200)
    kind = models.CharField(
        _("kind"),
        max_length=16,
        choices=[
            (TenantKind.HOSPITAL, TenantKind.HOSPITAL.label),
            (TenantKind.GHT, TenantKind.GHT.label),
        ],
    )
    finess = models.CharField(
        _("FINESS of the legal entity"), max_length=9, validators=[validate_finess]
    )
    contact_email = models.EmailField(_("contact e-mail"))
    subdomain = models.CharField(
        _("wanted sub-domain"), max_length=40, validators=[validate_subdomain]
    )
    created = models.DateTimeField(auto_now_add=True)
    confirmed = models.DateTimeField(null=True, blank=True)
    tenant = models.OneToOneField(
        Tenant, null=True, blank=True, on_delete=models.SET_NULL, related_name="signup_request"
    )

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.subdomain})"


class TenantEvent(models.Model):
    """What happened to a tenant, who did it and why (sign-up, suspension, retries...)."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        SUSPENDED = "suspended", _("suspended")
        REACTIVATED = "reactivated", _("reactivated")
        RETRIED = "retried", _("provisioning retried")
        INVITATION_RESENT = "invitation_resent", _("invitation resent")

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=32, choices=Action.choices)
    by = models.CharField(max_length=254, help_text=_("e-mail of who did it"))
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.tenant} {self.action} by {self.by}"
