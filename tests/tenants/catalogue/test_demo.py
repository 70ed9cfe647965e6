"""The demo's generated catalogue goes through the real import (a job the import page lists) and
leaves a shared list."""

from __future__ import annotations

from demo.consumables import load_demo_consumables
from tenants.access.models import Role, RoleGrant, ScopeKind
from tenants.catalogue.models import Product, ProductList
from tenants.catalogue.selectors import lists_for, search_page
from tenants.imports.models import ImportJob


def test_the_demo_catalogue_imports_and_shares_a_list_with_an_uf(catalogue):
    Product.objects.all().delete()
    done = load_demo_consumables(count=400)
    assert Product.objects.count() == 400
    # Through an import job, as the buyer imports it: the import page lists it with its report.
    job = ImportJob.objects.get(kind="catalogue")
    assert job.state == ImportJob.State.DONE and not job.dry_run
    assert job.report["created"] == 400 and job.filename == "export-achats.csv"
    assert any("shared with UF" in line for line in done)
    kept = ProductList.objects.get(name="Réassort mensuel du service")
    assert kept.items.count() == 4
    # The list's UF colleague sees it; the other UF's requester does not.
    assert kept in lists_for(catalogue["users"]["cardio2"])
    assert kept not in lists_for(catalogue["users"]["neuro"])
    assert search_page("electorde").corrected
    assert search_page("electorde").total > 0


def test_the_demo_list_is_shared_when_requesters_hold_an_establishment(catalogue):
    """The demo's cadres de santé are requesters on an establishment, not on one UF."""
    Product.objects.all().delete()
    RoleGrant.objects.filter(role=Role.REQUESTER).delete()
    owner = catalogue["users"]["cardio2"]
    site = catalogue["cardio"].service.pole.establishment
    RoleGrant.objects.create(
        user=owner, role=Role.REQUESTER, scope=ScopeKind.ESTABLISHMENT, establishment=site
    )
    done = load_demo_consumables(count=50)
    assert any("shared with UF" in line for line in done), done
    kept = ProductList.objects.get(name="Réassort mensuel du service")
    assert kept.owner == owner and kept.shares.filter(uf__isnull=False).exists()
