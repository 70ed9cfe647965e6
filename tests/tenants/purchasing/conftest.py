"""A granted plan line (30 000 € incl. VAT granted) of the request chain, a buyer of the whole
tenant, a market in force with a lot naming one supplier, an ended market, and an off-contract
exception for another supplier."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django_tenants.utils import tenant_context

from tenants.access.models import Role, RoleGrant, ScopeKind
from tenants.markets.models import Lot, Market, PurchasingBody, Supplier
from tenants.purchasing import services
from tenants.purchasing.models import PurchaseRequest
from tests.tenants.plan.conftest import grant

TODAY = datetime.date.today()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def buying(chain, tenant, make_user):  # type: ignore[no-untyped-def]
    for name, role in (("buyer", Role.BUYER), ("finance", Role.FINANCE)):
        person = make_user(tenant, full_name=name)
        with tenant_context(tenant):
            RoleGrant.objects.create(user=person, role=role, scope=ScopeKind.TENANT)
        chain["users"][name] = person
    with tenant_context(tenant):
        line = grant(chain, "30000")
        body = PurchasingBody.objects.create(central_uuid=uuid.uuid4(), code="ugap", name="UGAP")
        maquet = Supplier.objects.create(name="Maquet SAS", siren="123456789")
        draeger = Supplier.objects.create(name="Dräger France")
        market = Market.objects.create(
            origin="central",
            central_uuid=uuid.uuid4(),
            purchasing_body=body,
            reference="2025-RESP",
            title="Respirateurs",
            starts=days(-365),
            ends=days(365),
        )
        lot = Lot.objects.create(market=market, number="1", title="Réanimation")
        lot.suppliers.add(maquet)
        ended = Market.objects.create(
            origin="local",
            reference="2019-OLD",
            title="Ancien marché",
            starts=days(-2000),
            ends=days(-30),
        )
        old_lot = Lot.objects.create(market=ended, number="1", title="Tout")
        old_lot.suppliers.add(maquet)
        exception = services.record_exception(
            services.ExceptionInput(
                code="HM4",
                supplier=draeger,
                valid_from=days(-30),
                valid_until=days(30),
                account_prefix="2154",
            ),
            by=chain["users"]["buyer"],
        )
        yield {
            **chain,
            "line": line,
            "maquet": maquet,
            "draeger": draeger,
            "market": market,
            "lot": lot,
            "ended": ended,
            "old_lot": old_lot,
            "exception": exception,
        }


def line_input(setup, **extra) -> services.LineInput:  # type: ignore[no-untyped-def]
    fields = {
        "plan_line": setup["line"],
        "description": "Respirateur de réanimation",
        "quantity": 2,
        "unit_price": "10000",
        "vat_rate": "20",
        **extra,
    }
    return services.LineInput(**fields)


def on_market(setup, *, by=None, lines=None, **extra) -> PurchaseRequest:  # type: ignore[no-untyped-def]
    """A draft request to Maquet on the market's lot: 2 x 10 000 € excl. VAT = 24 000 € incl."""
    fields = {
        "supplier": setup["maquet"],
        "quote_date": TODAY,
        "quote_number": "DEV-1",
        "market": setup["market"],
        "lot": setup["lot"],
        "lines": lines or [line_input(setup)],
        **extra,
    }
    return services.save_purchase_request(
        services.RequestInput(**fields), by=by or setup["users"]["buyer"]
    )


def off_contract(setup, *, by=None, **extra) -> PurchaseRequest:  # type: ignore[no-untyped-def]
    fields = {
        "supplier": setup["draeger"],
        "quote_date": TODAY,
        "exception": setup["exception"],
        "lines": [line_input(setup, quantity=1, unit_price="1000")],
        **extra,
    }
    return services.save_purchase_request(
        services.RequestInput(**fields), by=by or setup["users"]["buyer"]
    )
