"""The demo tenants' export files import cleanly and show every kind of model match."""

import pytest
from django_tenants.utils import tenant_context

from demo.catalogue import load_demo_catalogue
from demo.people import DEMO_TENANTS
from demo.tenants import DEMO_FILES, mirror_published_catalogue
from shared_reference.services import publish_release
from tenants.inventory.imports import import_inventory
from tenants.inventory.models import Device
from tenants.structure.imports import import_structure
from tenants.structure.models import Establishment, FunctionalUnit


@pytest.mark.parametrize("demo", DEMO_TENANTS, ids=lambda d: d.subdomain)
def test_a_demo_tenants_files_import_with_every_kind_of_match(tenant, demo):
    load_demo_catalogue()
    publish_release(notes="demo catalogue", by="test")
    with tenant_context(tenant):
        for name, finess, city in demo.establishments:
            Establishment.objects.get_or_create(
                finess=finess,
                defaults={
                    "name": name,
                    "city": city,
                    "legal_entity_name": demo.name,
                    "legal_entity_finess": demo.finess,
                },
            )
        assert mirror_published_catalogue() >= 16
        structure = next(DEMO_FILES.glob(f"{demo.subdomain}-structure.*"))
        inventory = next(DEMO_FILES.glob(f"{demo.subdomain}-inventory.*"))
        assert import_structure(structure.read_bytes(), structure.name).created["uf"] >= 25
        report = import_inventory(inventory.read_bytes(), inventory.name)
        assert report.created >= 1500 and report.created == Device.objects.count()
        assert report.matched > report.proposed > 0 and report.unmatched > 0
        assert FunctionalUnit.objects.filter(devices__isnull=False).distinct().count() >= 20
        device = Device.objects.exclude(attributes={}).first()
        assert set(device.attributes) == {"Criticité", "Contrat de maintenance", "Localisation"}
