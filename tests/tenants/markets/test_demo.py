"""The demo's markets load through the services, once."""

from __future__ import annotations

from demo.markets import load_demo_markets
from tenants.markets.models import Market, MarketUse
from tenants.markets.selectors import markets_for
from tenants.structure.models import Establishment


def test_the_demo_markets_are_two_local_ones_used_by_two_legal_entities(tenant_context_people):
    Establishment.objects.create(
        name="Abbeville",
        finess="800000051",
        legal_entity_name="GHT",
        legal_entity_finess="800000044",
    )
    assert load_demo_markets()
    assert load_demo_markets() == []
    assert Market.objects.filter(origin="local").count() == 2
    uses = MarketUse.objects.values_list("legal_entity_finess", "local_reference")
    entities = {finess for finess, _ref in uses}
    assert len(entities) == 2 and "800000036" in entities  # Abbeville, its own entity now
    assert all(ref for _finess, ref in uses)
    seen = markets_for(tenant_context_people["users"]["buyer"])
    states = dict(seen.values_list("reference", "current_state"))  # type: ignore[misc]
    assert states == {"MAPA-2024-017": "ending", "AO-2025-004": "in_force"}
