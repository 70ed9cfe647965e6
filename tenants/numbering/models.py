"""One counter per prefix and year, in each tenant's schema: numbers are per tenant."""

from __future__ import annotations

from django.db import models


class Counter(models.Model):
    """The last number given under a prefix in a year (``DEM``, 2027 -> 42)."""

    prefix = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="numbering_counter_prefix_year")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"
