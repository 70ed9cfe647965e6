"""Back to the inventory: a CMMS import links the devices a line bought; the devices its
request replaces are to be retired until the CMMS says they are."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from tenants.inventory.imports import import_inventory
from tenants.inventory.models import Device
from tenants.plan import services
from tenants.plan.delivery import delivered, to_retire

HEADER = (
    "N° inventaire;UF;Marque;Modèle;N° série;Date mise en service;Valeur d'achat;Statut;N° commande"
)


def cmms(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


def test_an_import_links_the_devices_of_the_lines_order_and_numbers(chain, line):
    u = chain["users"]
    line = services.assign_manager(line, u["expert"], by=u["dispatcher"])
    line = services.update_line(
        line,
        {"order_number": " CMD-2027-118 ", "inventory_numbers": "INV-9, INV-9;INV-10"},
        by=u["expert"],
    )
    assert line.order_number == "CMD-2027-118" and line.inventory_numbers == "INV-9, INV-10"
    assert delivered(line) == (0, Decimal(0))
    import_inventory(
        cmms(
            "INV-1;1101;Dräger;Evita;S1;01/03/2027;30000,00;en service;CMD-2027-118",
            "INV-2;1101;Dräger;Evita;S2;01/03/2027;30000,00;en service;CMD-2027-118",
            "INV-9;1101;Philips;MX450;S9;01/03/2027;5000,00;en service;",
            "INV-50;1101;Philips;MX450;S50;01/03/2027;5000,00;en service;CMD-OTHER",
        ),
        "gmao.csv",
    )
    assert delivered(line) == (3, Decimal("65000.00"))
    assert set(line.devices.values_list("inventory_number", flat=True)) == {
        "INV-1",
        "INV-2",
        "INV-9",
    }
    # Taking the order number off the line unlinks its devices at once.
    line = services.update_line(line, {"order_number": ""}, by=u["expert"])
    assert set(line.devices.values_list("inventory_number", flat=True)) == {"INV-9"}
    # A dry run links nothing new.
    services.update_line(line, {"inventory_numbers": "INV-11"}, by=u["expert"])
    import_inventory(cmms("INV-11;1101;B;M;S;01/03/2027;1,00;en service;"), "g.csv", dry_run=True)
    assert delivered(line)[0] == 0


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ("x" * 61, "order_number"),
        ("a\x00", "order_number"),
        ("A" * 41, "inventory_numbers"),
        (" ".join(f"N{i}" for i in range(501)), "inventory_numbers"),
    ],
)
def test_numbers_that_cannot_be_are_refused_naming_the_field(chain, line, value, field):
    u = chain["users"]
    line = services.assign_manager(line, u["expert"], by=u["dispatcher"])
    with pytest.raises(services.Refused) as refused:
        services.update_line(line, {field: value}, by=u["expert"])
    assert refused.value.field == field


def test_replaced_devices_are_to_be_retired_until_the_cmms_says_so(web, tenant, chain, line):
    with tenant_context(tenant):
        old = Device.objects.create(inventory_number="OLD-1", uf=chain["rea"], status="in_service")
        line.request.replaces.add(old)
        assert list(to_retire(line)) == [old]
    html = web["expert"].get(f"/plan/lines/{line.pk}/").content.decode()
    assert "data-to-retire" in html and "OLD-1" in html
    assert "data-to-retire" in web["expert"].get(f"/inventory/devices/{old.pk}/").content.decode()
    with tenant_context(tenant):
        import_inventory(cmms("OLD-1;1101;B;M;S;01/03/2015;1,00;réformé;"), "g.csv")
        assert not to_retire(line).exists()
    assert "data-to-retire" not in web["expert"].get(f"/plan/lines/{line.pk}/").content.decode()
