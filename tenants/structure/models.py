"""Establishments of a hospital or GHT; finances stay with each one's legal entity."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

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
