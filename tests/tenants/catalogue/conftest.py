"""A small catalogue on tenant A: two markets with lots, suppliers, a few products imported
from a CSV, and people of two UF plus a buyer."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

from tenants.access.models import Role, RoleGrant, ScopeKind
from tenants.catalogue.imports import import_catalogue
from tenants.markets.models import Lot, Market
from tenants.structure.models import Establishment, FunctionalUnit, Pole, Service
from tests.conftest import client_for, host_of

HEADER = (
    "Code article;Désignation;Famille;Fournisseur;Réf. fournisseur;Marché;Lot;Unité;"
    "Prix unitaire HT\n"
)
ROWS = [
    ";".join(fields)
    for fields in (
        ("ECG-001", "Électrode ECG adulte pré-gélifiée", "Électrodes", "Ambu", "WS-00-S"),
        ("ECG-002", "Électrode ECG pédiatrique", "Électrodes", "3M", "2248-50"),
        ("SPO-001", "Capteur SpO2 adulte à usage unique", "Capteurs", "Masimo", "LNCS-ADT"),
        ("CIR-001", "Circuit patient ventilation adulte", "Circuits", "Intersurgical", "2200000"),
        ("BRA-001", "Brassard de tension adulte", "Brassards", "GE Healthcare", "2203"),
        ("ECG-003", "Câble ECG 5 brins", "Câbles", "GE Healthcare", "EC-5"),
    )
]
# Market, lot, unit, price of each row.
ROWS = [
    f"{row};{rest}"
    for row, rest in zip(
        ROWS,
        (
            "M-2026-01;1;sachet de 50;12,40",
            "M-2026-01;1;sachet de 50;14,90",
            "M-2026-02;2;boîte de 20;185,00",
            "M-2026-02;1;pièce;9,75",
            ";;pièce;21,00",
            "M-2026-01;1;pièce;110,00",
        ),
        strict=True,
    )
]


def csv_of(*rows: str, header: str = HEADER) -> bytes:
    return (header + "\n".join(rows) + "\n").encode()


@pytest.fixture
def catalogue(tenant, make_user):  # type: ignore[no-untyped-def]
    with tenant_context(tenant):
        site = Establishment.objects.get()
        pole = Pole.objects.create(establishment=site, code="PC", name="Pôle médecine")
        service = Service.objects.create(pole=pole, code="SC", name="Cardiologie")
        cardio = FunctionalUnit.objects.create(service=service, code="3101", name="Cardiologie")
        neuro = FunctionalUnit.objects.create(service=service, code="3102", name="Neurologie")
        people = {
            "cardio": make_user(tenant, full_name="Camille Cardio"),
            "cardio2": make_user(tenant, full_name="Claude Cardio"),
            "neuro": make_user(tenant, full_name="Noé Neuro"),
            "buyer": make_user(tenant, full_name="Bérénice Achat"),
            "nobody": make_user(tenant, full_name="Sans rôle"),
        }
        for name, unit in (("cardio", cardio), ("cardio2", cardio), ("neuro", neuro)):
            RoleGrant.objects.create(
                user=people[name], role=Role.REQUESTER, scope=ScopeKind.UF, uf=unit
            )
        RoleGrant.objects.create(user=people["buyer"], role=Role.BUYER, scope=ScopeKind.TENANT)
        first = Market.objects.create(origin="local", reference="M-2026-01", title="Électrodes")
        second = Market.objects.create(origin="local", reference="M-2026-02", title="Ventilation")
        Lot.objects.create(market=first, number="1", title="ECG")
        Lot.objects.create(market=second, number="1", title="Circuits")
        Lot.objects.create(market=second, number="2", title="Oxymétrie")
        import_catalogue(csv_of(*ROWS), "catalogue.csv")
        yield {
            "users": people,
            "cardio": cardio,
            "neuro": neuro,
            "markets": {"first": first, "second": second},
        }


def client_of(tenant, user) -> Client:  # type: ignore[no-untyped-def]
    """A client signed in on the tenant's host; the test's own queries stay in the tenant."""
    client = client_for(host_of(tenant), user, tenant)
    connection.set_tenant(tenant)  # type: ignore[attr-defined]
    return client
