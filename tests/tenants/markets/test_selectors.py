"""The state worked out at its boundaries, the market plan's horizons, the devices a market
maintains."""

from __future__ import annotations

import datetime
import uuid

import pytest

from saas.dates import add_months, period_end
from tenants.alerts.models import AlertSettings
from tenants.inventory.models import Device
from tenants.markets.models import Lot, Market
from tenants.markets.selectors import (
    devices_maintained,
    maintained_counts,
    market_plan,
    markets_for,
    with_state,
)
from tenants.mirror.models import ReferenceDeviceModel, ReferenceManufacturer
from tests.tenants.markets.conftest import central, local, today

D = datetime.timedelta


def state_of(market: Market, **kwargs) -> str:  # type: ignore[no-untyped-def]
    return with_state(Market.objects.filter(pk=market.pk), **kwargs).get().current_state  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "starts, ends, expected",
    [
        (D(days=1), D(days=900), "planned"),
        (D(days=0), D(days=900), "in_force"),
        (D(days=-400), D(days=-1), "ended"),
        (D(days=-400), D(days=0), "ending"),  # its last day is today: still running
        (D(days=-400), None, "in_force"),  # no known end
    ],
)
def test_the_state_at_its_boundaries(tenant_context_people, starts, ends, expected):
    day = today()
    market = central(starts=day + starts, ends=day + ends if ends is not None else None)
    assert state_of(market) == expected


def test_a_market_its_purchasing_body_withdrew_is_ended(tenant_context_people):
    day = today()
    market = central(starts=day - D(days=10), ends=day + D(days=900))
    Market.objects.filter(pk=market.pk).update(central_status="deleted")
    assert state_of(market) == "ended"


def test_ending_soon_follows_the_alert_window(tenant_context_people):
    day = today()
    at_edge = central(starts=day - D(days=10), ends=add_months(day, 6))
    after_edge = central(starts=day - D(days=10), ends=add_months(day, 6) + D(days=1))
    assert state_of(at_edge) == "ending" and state_of(after_edge) == "in_force"
    AlertSettings.objects.create(pk=1, market_months=3)
    assert state_of(at_edge) == "in_force"
    assert state_of(central(starts=day, ends=add_months(day, 3))) == "ending"


def test_people_who_do_not_buy_or_plan_see_no_market(tenant_context_people):
    central()
    users = tenant_context_people["users"]
    assert markets_for(users["viewer"]).count() == 1
    assert markets_for(users["requester"]).count() == 0
    assert markets_for(users["pole_head"]).count() == 0


def plan_refs(plan) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {row.market.reference: row.why for row in plan.rows}


def test_the_market_plan_by_horizon(tenant_context_people):
    people = tenant_context_people
    buyer = people["users"]["buyer"]
    day = today()
    # Ends in 4 months, no renewal: to re-tender within 6 months.
    local(people, reference="SOON", starts=add_months(day, -8), duration_months=12)
    # Its current period ends in 4 months with an express renewal: to decide within 6.
    local(
        people,
        reference="EXPRESS",
        starts=add_months(day, -8),
        duration_months=12,
        renewals=1,
        renewal_months=12,
        renewal_kind="express",
    )
    # The same renewal tacit: renews on its own; ends in 16 months, so in the 18-month plan.
    local(
        people,
        reference="TACIT",
        starts=add_months(day, -8),
        duration_months=12,
        renewals=1,
        renewal_months=12,
        renewal_kind="tacit",
    )
    # Ends in 10 months: in the 12-month plan, not the 6-month one.
    central(reference="CENTRAL-10", ends=add_months(day, 10))
    # Ended already, and far away: in no plan.
    central(reference="ENDED", ends=day - D(days=1))
    central(reference="FAR", ends=add_months(day, 30))

    six = market_plan(buyer, 6)
    assert plan_refs(six) == {"SOON": "ends", "EXPRESS": "express"}
    assert [r.market.reference for r in six.ending] == ["SOON"]
    twelve = market_plan(buyer, 12)
    assert plan_refs(twelve) == {"SOON": "ends", "EXPRESS": "express", "CENTRAL-10": "ends"}
    eighteen = market_plan(buyer, 18)
    assert plan_refs(eighteen) == {
        "SOON": "ends",
        "EXPRESS": "express",
        "CENTRAL-10": "ends",
        "TACIT": "ends",
    }
    # EXPRESS ends (renewed) in 16 months too: it is still to decide now.
    assert six.counts == {6: 1, 12: 2, 18: 4}
    assert six.retender_counts == {6: 2, 12: 3, 18: 4}
    express = next(r for r in six.rows if r.market.reference == "EXPRESS")
    assert express.renewals_left == 1 and express.decide_by == period_end(add_months(day, -8), 12)
    assert market_plan(people["users"]["requester"], 6).rows == []


def test_the_devices_a_market_maintains(tenant_context_people):
    people = tenant_context_people
    maker = ReferenceManufacturer.objects.create(uuid=uuid.uuid4(), name="Maker")
    covered, other = (
        ReferenceDeviceModel.objects.create(
            uuid=uuid.uuid4(), manufacturer=maker, commercial_name=n
        )
        for n in ("Covered", "Other")
    )
    for number, model in (("D1", covered), ("D2", covered), ("D3", other), ("D4", None)):
        Device.objects.create(inventory_number=number, uf=people["uf"], reference_model=model)
    market = central()
    Lot.objects.create(
        market=market, number="1", title="Maintenance", scopes=["maintenance"],
        device_models=[covered.uuid],
    )  # fmt: skip
    Lot.objects.create(
        market=market, number="2", title="Achat", scopes=["acquisition"], device_models=[other.uuid]
    )
    buying = central()
    Lot.objects.create(
        market=buying,
        number="1",
        title="Achat",
        scopes=["acquisition"],
        device_models=[covered.uuid],
    )
    viewer = people["users"]["viewer"]
    assert sorted(
        devices_maintained(market, viewer).values_list("inventory_number", flat=True)
    ) == [
        "D1",
        "D2",
    ]
    assert not devices_maintained(buying, viewer).exists()
    assert maintained_counts([market, buying], viewer) == {market.pk: 2}
