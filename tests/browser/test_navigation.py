"""The navigation at 1280 px: one line, badges beside their links, the user menu folded."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from django_tenants.utils import tenant_context

from saas.tenancy.models import Tenant
from tenants.access.models import Role, ScopeKind
from tenants.access.services import grant_role
from tenants.accounts.models import User
from tenants.alerts.models import Alert, AlertKind
from tenants.notifications.services import notify
from tests.conftest import PASSWORD, server_password_hash

pytestmark = pytest.mark.slow

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def administrator(live_db):  # type: ignore[no-untyped-def]
    alpha = Tenant.objects.get(schema_name="t_alpha")
    with tenant_context(alpha):
        user = User.objects.create(
            email="marie-christine.delacourt-vandenberghe@browser.test",
            full_name="Marie-Christine Delacourt-Vandenberghe",
            password=server_password_hash(),
        )
        grant_role(user, Role.TENANT_ADMIN, ScopeKind.TENANT, by="test")
        for number in range(12):  # a two-digit badge
            notify([user], subject=f"Demande {number}", url=f"/requests/{number}/")
    yield user
    with tenant_context(alpha):
        User.objects.filter(email__endswith="@browser.test").delete()


def test_the_navigation_fits_one_line_at_1280_px(browser, live_server_port, administrator):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        base = f"http://alpha.localhost:{live_server_port}"
        page.goto(f"{base}/")
        page.get_by_label("Adresse e-mail").fill(administrator.email)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(re.compile(re.escape(f"{base}/")))
        nav = page.locator("nav.navbar")
        height = nav.bounding_box()["height"]
        assert height < 70, f"the navigation wraps ({height}px high)"
        tops = {round(box["y"]) for box in _boxes(page, "[data-main-nav] .nav-link")}
        assert len(tops) == 1, "a link of the menu went to a second line"
        badge = page.locator("[data-unread-notifications]").bounding_box()
        link = page.locator("[data-main-nav] .nav-link", has_text="Notifications").bounding_box()
        assert abs(badge["y"] + badge["height"] / 2 - (link["y"] + link["height"] / 2)) < 6
        # The person's long name and address fold into one menu.
        assert administrator.email not in page.locator("nav").inner_text()
        page.locator("[data-user-menu] .dropdown-toggle").click()
        assert page.get_by_role("button", name="Se déconnecter").is_visible()
        page.screenshot(path=str(SCREENSHOTS / "navigation.png"))
    finally:
        context.close()


def _boxes(page, selector: str) -> list[dict[str, float]]:  # type: ignore[no-untyped-def]
    items = page.locator(selector)
    return [items.nth(i).bounding_box() for i in range(items.count())]


REPORT_SCREENSHOT = Path("/work/wt/reports/hc-navbar.png")


@pytest.fixture
def ght_administrator(live_db, administrator):  # type: ignore[no-untyped-def]
    """The role with the most menu entries, on a GHT with a long name, with both badges."""
    alpha = Tenant.objects.get(schema_name="t_alpha")
    name, kind = alpha.name, alpha.kind
    Tenant.objects.filter(pk=alpha.pk).update(name="GHT Somme Littoral (démo)", kind="ght")
    with tenant_context(alpha):
        alert = Alert.objects.create(
            kind=AlertKind.END_OF_SUPPORT, key="eos:browser-test", reference_uuid=uuid.uuid4()
        )
    yield administrator
    Tenant.objects.filter(pk=alpha.pk).update(name=name, kind=kind)
    with tenant_context(alpha):
        alert.delete()


def test_the_administrator_navigation_never_scrolls_sideways_at_1280_px(
    browser, live_server_port, ght_administrator
):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        base = f"http://alpha.localhost:{live_server_port}"
        page.goto(f"{base}/")
        page.get_by_label("Adresse e-mail").fill(ght_administrator.email)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(re.compile(re.escape(f"{base}/")))
        assert page.locator("[data-unread-alerts]").is_visible()
        assert page.locator("[data-unread-notifications]").is_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1280, f"the page scrolls sideways ({width}px wide)"
        nav_right = page.locator("[data-user-menu]").bounding_box()
        assert nav_right["x"] + nav_right["width"] <= 1280
        REPORT_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(REPORT_SCREENSHOT))
        page.locator("[data-admin-menu] .dropdown-toggle").click()
        page.get_by_role("link", name="Utilisateurs et rôles").click()
        page.wait_for_url(f"{base}/administration/users/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    finally:
        context.close()
