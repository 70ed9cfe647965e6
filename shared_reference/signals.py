"""What the reference server tells the rest of the platform."""

from __future__ import annotations

from django.dispatch import Signal

# Sent once a release is committed, with ``release`` and ``topics`` (every topic it touched):
# the platform queues a sync for the tenants subscribed to them.
release_published = Signal()
