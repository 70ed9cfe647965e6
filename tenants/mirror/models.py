"""Mirror tables, keyed by the central UUID; the payloads are the reference server's own.

A tenant schema never points into the public schema: these rows are copies, written only by
applying the reference server's published payloads (services.apply_entity).
"""

from __future__ import annotations

import re
from datetime import date

from django.conf import settings
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from saas.audit import track
from saas.labels import display_label, folded_search_expression


class MirroredEntity(models.Model):
    uuid = models.UUIDField(unique=True, editable=False)
    status = models.CharField(_("status"), max_length=12, default="active")
    replaced_by = models.UUIDField(_("replaced by"), null=True, blank=True)
    seq = models.BigIntegerField(
        default=0, help_text="change-log position of the payload applied last"
    )

    class Meta:
        abstract = True


class ReferenceManufacturer(MirroredEntity):
    name = models.CharField(_("name"), max_length=200)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("manufacturer")
        verbose_name_plural = _("manufacturers")

    def __str__(self) -> str:
        return self.name


class ReferenceDeviceModel(MirroredEntity):
    manufacturer = models.ForeignKey(
        ReferenceManufacturer,
        on_delete=models.PROTECT,
        related_name="models",
        verbose_name=_("manufacturer"),
    )
    commercial_name = models.CharField(_("commercial name"), max_length=200)
    catalogue_reference = models.CharField(_("catalogue reference"), max_length=100, blank=True)
    nomenclature = models.JSONField(_("nomenclature codes"), default=list, blank=True)
    end_of_sale = models.DateField(_("end of sale"), null=True, blank=True)
    end_of_support = models.DateField(_("end of support"), null=True, blank=True)
    end_of_support_source = models.CharField(_("source of the dates"), max_length=300, blank=True)
    expected_life_years = models.PositiveSmallIntegerField(
        _("expected life (years)"), null=True, blank=True
    )

    class Meta:
        ordering = ["manufacturer__name", "commercial_name"]
        verbose_name = _("device model")
        verbose_name_plural = _("device models")

    def __str__(self) -> str:
        return f"{self.manufacturer.name} {self.commercial_name}"


class ReferenceTerm(MirroredEntity):
    """A code of a nomenclature the tenant enabled (EMDN...), as the reference server has it."""

    system = models.CharField(_("nomenclature"), max_length=40)
    code = models.CharField(_("code"), max_length=40)
    label_en = models.CharField(_("English label"), max_length=500, blank=True)
    label_fr = models.CharField(_("French label"), max_length=500, blank=True)
    parent_code = models.CharField(_("parent code"), max_length=40, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    replacement = models.CharField(_("replaced by"), max_length=40, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # Code and both labels, lower case and without accents: what searches match words against.
    search_text = models.GeneratedField(
        expression=folded_search_expression("code", "label_en", "label_fr"),
        output_field=models.TextField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["system", "code"]
        verbose_name = _("nomenclature code")
        verbose_name_plural = _("nomenclature codes")
        constraints = [models.UniqueConstraint(fields=["system", "code"], name="mirror_term_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        """What a person reads: French, else English in sentence case."""
        return display_label(self.label_fr, self.label_en)


class ReferenceEntity(MirroredEntity):
    """Any other published entity the tenant receives (markets, safety notices...), kept as
    its payload so that nothing the feed brings is lost before a typed table exists for it."""

    entity_type = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["entity_type"], name="mirror_entity_type_idx")]

    def __str__(self) -> str:
        return f"{self.entity_type} {self.uuid}"


class LocalSubscription(models.Model):
    """A topic this tenant asked the reference server for (``device_model:<uuid>``...)."""

    topic = models.CharField(max_length=80, unique=True)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.topic


class SyncState(models.Model):
    """Where the tenant's copy stands: one row. The cursor moves with each applied page."""

    api_url = models.URLField(_("reference API address"), blank=True)
    api_key_encrypted = models.TextField(blank=True)
    cursor = models.BigIntegerField(_("cursor"), default=0)
    last_attempt = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_success = models.DateTimeField(_("last success"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    applied = models.PositiveBigIntegerField(_("changes applied"), default=0)

    def __str__(self) -> str:
        return f"sync at {self.cursor}"

    @property
    def api_key(self) -> str:
        from saas.crypto import decrypt

        return decrypt(self.api_key_encrypted)

    @api_key.setter
    def api_key(self, value: str) -> None:
        from saas.crypto import encrypt

        self.api_key_encrypted = encrypt(value)

    @classmethod
    def current(cls) -> SyncState:
        state, _created = cls.objects.get_or_create(pk=1)
        return state


class ModelOverlay(models.Model):
    """The tenant's own values for a reference device model: sync never writes here, and the
    pages show the overlay's value, where set, instead of the reference's."""

    model = models.OneToOneField(
        ReferenceDeviceModel, on_delete=models.CASCADE, related_name="overlay"
    )
    end_of_support = models.DateField(_("end of support (ours)"), null=True, blank=True)
    aliases = models.JSONField(_("our names for it"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.model)


# What a hospital may propose to correct (mirror.forms.CorrectionForm), as its page names it.
PROPOSED_FIELDS = {
    "commercial_name": _("commercial name"),
    "end_of_sale": _("end of sale"),
    "end_of_support": _("end of support"),
    "expected_life_years": _("expected life (years)"),
}
# The curators' decision on a correction (shared_reference's Contribution.Status).
CONTRIBUTION_STATUSES = {
    "pending": _("Waiting for a curator"),
    "accepted": _("Accepted"),
    "amended": _("Accepted with changes"),
    "rejected": _("Rejected"),
}


class SentContribution(models.Model):
    """A correction this tenant proposed to the curators, and what they decided."""

    central_id = models.PositiveBigIntegerField(unique=True)
    model = models.ForeignKey(
        ReferenceDeviceModel, on_delete=models.CASCADE, related_name="contributions"
    )
    proposal = models.JSONField(default=dict)
    source = models.TextField(_("source"))
    status = models.CharField(_("status"), max_length=20, default="pending")
    curator_note = models.TextField(_("curators' note"), blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent"]

    def __str__(self) -> str:
        return f"contribution {self.central_id}"

    @property
    def proposal_text(self) -> str:
        """ "Fin de support : 31/12/2031 ; nom commercial : Evita", never the payload's keys."""
        parts = []
        for key, value in self.proposal.items():
            label = capfirst(PROPOSED_FIELDS.get(key, key))
            if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                value = date.fromisoformat(value).strftime("%d/%m/%Y")
            parts.append(f"{label}\u00a0: {value}")
        return "\u00a0; ".join(parts)

    @property
    def status_label(self) -> str:
        return str(CONTRIBUTION_STATUSES.get(self.status, self.status))


# The audit trail (saas/audit): the hospital's own notes on a model. The mirrored copies are
# not tracked: only the sync writes them, and the reference server keeps their history.
track(ModelOverlay)
