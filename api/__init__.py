"""REST APIs grouped by audience: reference/v1 (sync, to come) and tenant/v1."""
