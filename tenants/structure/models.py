"""The hospital's structure: establishments, pôles, services and UF (unités fonctionnelles).

Finances stay with each establishment's legal entity. Pôles, services and UF are filled by the
structure import; they are also the scopes on which roles are granted.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from saas.audit import track
from saas.tenancy.validators import validate_finess


class Establishment(models.Model):
    name = models.CharField(_("name"), max_length=200)
    finess = models.CharField(
        _("FINESS (geographic)"), max_length=9, unique=True, validators=[validate_finess]
    )
    legal_entity_name = models.CharField(_("legal entity"), max_length=200)
    legal_entity_finess = models.CharField(
        _("FINESS of the legal entity"), max_length=9, validators=[validate_finess]
    )
    city = models.CharField(_("city"), max_length=120, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("establishment")
        verbose_name_plural = _("establishments")

    def __str__(self) -> str:
        return self.name


class Pole(models.Model):
    establishment = models.ForeignKey(
        Establishment,
        on_delete=models.PROTECT,
        related_name="poles",
        verbose_name=_("establishment"),
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("pôle")
        verbose_name_plural = _("pôles")
        constraints = [
            models.UniqueConstraint(fields=["establishment", "code"], name="structure_pole_code")
        ]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    pole = models.ForeignKey(
        Pole, on_delete=models.PROTECT, related_name="services", verbose_name=_("pôle")
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.UniqueConstraint(fields=["pole", "code"], name="structure_service_code")
        ]

    def __str__(self) -> str:
        return self.name


class FunctionalUnit(models.Model):
    """An UF (unité fonctionnelle): the smallest unit that owns equipment and asks for it."""

    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="units", verbose_name=_("service")
    )
    code = models.CharField(_("UF code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("UF")
        verbose_name_plural = _("UF")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


# The audit trail (saas/audit): every change to these tables is recorded with who and where.
track(Establishment, Pole, Service, FunctionalUnit)
