"""What the mirror tells the features built on it."""

from __future__ import annotations

from django.dispatch import Signal

# Sent in the tenant's schema after a sync applied changes (with ``report``): the impact step
# (tenants.alerts) looks at what they mean for this tenant.
mirror_synced = Signal()
