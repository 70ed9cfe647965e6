"""What the inventory tells the features built on it."""

from __future__ import annotations

from django.dispatch import Signal

# Sent in the tenant's schema, inside the import's transaction, after a CMMS import wrote its
# devices: the plan (tenants.plan) links the devices its lines bought.
inventory_imported = Signal()
