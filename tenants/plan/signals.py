"""What the plan tells the apps that follow it, without knowing them."""

from django.dispatch import Signal

# Sent in the change's transaction when a line's order number changed, with ``line``: the
# finance system's orders carrying the number are linked to the line (tenants/finance).
order_number_changed = Signal()
