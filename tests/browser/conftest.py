"""Browser suite: Debian's chromium driven by Playwright against a real web server process;
the data several of its modules share (a request chain, an inventory, a session waiting for
the commission) in the tenant alpha."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django_tenants.utils import tenant_context

from saas.tenancy.models import Tenant
from tenants.access.models import Role, ScopeKind
from tenants.access.services import grant_role
from tenants.accounts.models import User
from tenants.campaigns.services import add_envelope
from tenants.inventory.models import Device
from tenants.requests import workflow
from tenants.requests.models import EquipmentRequest
from tenants.requests.services import PartInput, save_draft
from tenants.structure.models import Establishment, FunctionalUnit, Pole, Service
from tenants.tables.models import TablePreference
from tests.conftest import server_password_hash
from tests.tenants.conftest import build_chain
from tests.tenants.inventory.factories import structure

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Tenants live on <sub-domain>.localhost: send them all to this machine.
    "--host-resolver-rules=MAP *.localhost 127.0.0.1",
]


@pytest.fixture(scope="session")
def browser(django_db_setup):  # type: ignore[no-untyped-def]
    # After the test database exists: once Playwright's loop runs, a connection opened from
    # this thread must already point at the test database.
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (dev.py test does it)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the ORM calls the tests
    # make between browser steps are still plain synchronous ones.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="fr-FR", viewport={"width": 1200, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def chain_in_alpha(live_db, make_user):  # type: ignore[no-untyped-def]
    alpha = Tenant.objects.get(schema_name="t_alpha")
    with tenant_context(alpha):
        chain = build_chain(alpha, make_user)
        # The web server checks passwords with the product's hasher, not the tests' fast one.
        for user in chain["users"].values():
            user.password = server_password_hash()
            user.save(update_fields=["password"])
    yield chain
    with tenant_context(alpha):
        chain["cleanup"]()


@pytest.fixture
def inventory(live_db):  # type: ignore[no-untyped-def]
    alpha = Tenant.objects.get(schema_name="t_alpha")
    with tenant_context(alpha):
        units = structure(("1101", "1102", "2101"))
        for i in range(30):
            Device.objects.create(
                inventory_number=f"B-{i:03d}",
                uf=units[i % 3],
                manufacturer_name="Philips" if i % 2 else "Dräger",
                model_name=f"Model {i % 5}",
                serial_number=f"SN{i:04d}",
                commissioning_date=date(2010 + i % 12, 1 + i % 12, 1),
                purchase_value=Decimal(1000 + 100 * i),
                status="retired" if i % 5 == 0 else "in_service",
            )
        lea = User.objects.create(email="lea@browser.test", password=server_password_hash())
        grant_role(lea, Role.VIEWER, ScopeKind.TENANT, by="test")
    yield alpha
    with tenant_context(alpha):
        Device.objects.all().delete()
        FunctionalUnit.objects.all().delete()
        Service.objects.all().delete()
        Pole.objects.all().delete()
        Establishment.objects.exclude(name="Site Alpha").delete()
        TablePreference.objects.all().delete()
        User.objects.filter(email="lea@browser.test").delete()


@pytest.fixture
def waiting(chain_in_alpha):  # type: ignore[no-untyped-def]
    """Three requests validated by the management, waiting for the commission."""
    chain, u = chain_in_alpha, chain_in_alpha["users"]
    with tenant_context(Tenant.objects.get(schema_name="t_alpha")):
        add_envelope(chain["campaign"], chain["pole"], "50000", "own_funds", by=chain["admin"])
        requests = [chain["request"]]
        for title, price in (("Pousse-seringues", "8000"), ("Lit de réanimation", "15000")):
            requests.append(
                save_draft(
                    by=u["requester"],
                    campaign=chain["campaign"],
                    uf=chain["rea"],
                    title=title,
                    parts=[PartInput("investment", 1, price)],
                )
            )
        for request in requests:
            request = workflow.submit(request, by=u["requester"])
            request = workflow.give_pole_opinion(request, by=u["pole_head"], favourable=True)
            request = workflow.dispatch(request, by=u["dispatcher"], domain=chain["biomedical"])
            request = workflow.give_expert_opinion(request, by=u["expert"], favourable=True)
            workflow.validate(request, by=u["manager"])
        return [EquipmentRequest.objects.get(pk=r.pk) for r in requests]
