"""The demo's generated catalogue goes through the real import and leaves a shared list."""

from __future__ import annotations

from demo.consumables import load_demo_consumables
from tenants.catalogue.models import Product, ProductList
from tenants.catalogue.selectors import lists_for, search_page


def test_the_demo_catalogue_imports_and_shares_a_list_with_an_uf(catalogue):
    Product.objects.all().delete()
    done = load_demo_consumables(count=400)
    assert Product.objects.count() == 400
    assert any("shared with UF" in line for line in done)
    kept = ProductList.objects.get(name="Réassort mensuel du service")
    assert kept.items.count() == 4
    # The list's UF colleague sees it; the other UF's requester does not.
    assert kept in lists_for(catalogue["users"]["cardio2"])
    assert kept not in lists_for(catalogue["users"]["neuro"])
    assert search_page("electorde").corrected
    assert search_page("electorde").total > 0
