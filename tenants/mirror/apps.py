"""The tenant's own copy of the shared references it uses (DESIGN.md section 4, tenant side)."""

from __future__ import annotations

from django.apps import AppConfig


class MirrorConfig(AppConfig):
    name = "tenants.mirror"
    label = "mirror"
    verbose_name = "Reference mirror"
