"""Objects the inventory tests build inside a tenant: structure and a small mirror."""

from __future__ import annotations

import uuid

from tenants.mirror.models import ReferenceDeviceModel, ReferenceManufacturer
from tenants.structure.models import Establishment, FunctionalUnit, Pole, Service


def structure(codes: tuple[str, ...] = ("1101", "1102", "2101")) -> list[FunctionalUnit]:
    site = Establishment.objects.get_or_create(
        finess="800000259",
        defaults={"name": "Site", "legal_entity_name": "GHT", "legal_entity_finess": "800000044"},
    )[0]
    pole = Pole.objects.get_or_create(establishment=site, code="P1", defaults={"name": "Pôle"})[0]
    service = Service.objects.get_or_create(pole=pole, code="S1", defaults={"name": "Réa"})[0]
    return [
        FunctionalUnit.objects.get_or_create(
            code=code, defaults={"service": service, "name": f"UF {code}"}
        )[0]
        for code in codes
    ]


def reference_model(
    manufacturer: str, name: str, *, aliases: tuple[str, ...] = (), **fields: object
) -> ReferenceDeviceModel:
    maker = ReferenceManufacturer.objects.filter(name=manufacturer).first()
    if maker is None:
        maker = ReferenceManufacturer.objects.create(
            uuid=uuid.uuid4(), name=manufacturer, aliases=list(aliases)
        )
    return ReferenceDeviceModel.objects.create(
        uuid=uuid.uuid4(), manufacturer=maker, commercial_name=name, **fields
    )


def catalogue() -> dict[str, ReferenceDeviceModel]:
    return {
        "mx450": reference_model(
            "Philips", "IntelliVue MX450", aliases=("Philips Medical Systems", "PHILIPS HEALTHCARE")
        ),
        "mp50": reference_model("Philips", "IntelliVue MP50"),
        "v500": reference_model("Dräger", "Evita V500", aliases=("Draeger",)),
        "c6": reference_model("Hamilton Medical", "HAMILTON-C6"),
        "perfusor": reference_model("B. Braun", "Perfusor Space", aliases=("B BRAUN",)),
    }
