"""Platform staff find the same menu on every page of the public host."""

from __future__ import annotations

import re

from tests.conftest import client_for


def menu_of(body: str) -> list[str]:
    nav = body.split("data-main-nav>")[1].split("</div>")[0]
    return re.findall(r'href="([^"]+)"', nav)


def test_staff_see_one_menu_on_every_public_page(db, make_user, tenant):
    client = client_for("localhost", make_user(None, is_staff=True, is_superuser=True))
    pages = ["/", "/staff/tenants/", f"/staff/tenants/{tenant.pk}/", "/reference/"]
    menus = {path: menu_of(client.get(path).content.decode()) for path in pages}
    assert all(menu == ["/staff/tenants/", "/reference/"] for menu in menus.values()), menus
