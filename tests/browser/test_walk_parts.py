"""The accessibility walk's own parts: what makes two pages alike, what a crawl follows, and
the demo command it builds from."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.browser.accessibility import crawl, session_for, shape_of
from tests.isolation.test_every_url import PUBLIC_URLCONF

TABLE = '<table class="table"><tr><td class="{cls}">{text}</td></tr>{more}</table>'


def test_pages_alike_but_for_their_words_and_rows_have_one_shape():
    one = TABLE.format(cls="a", text="Scope", more="")
    other = TABLE.format(cls="a", text="Scanner", more='<tr><td class="a">2</td></tr>')
    assert shape_of(one) == shape_of(other)


@pytest.mark.parametrize(
    "changed",
    [
        TABLE.format(cls="b", text="Scope", more=""),  # another class
        '<table class="table"><tr><td><input type="text" aria-label="x"></td></tr></table>',
        '<div class="table"><tr><td class="a">Scope</td></tr></div>',  # another parent
    ],
)
def test_a_page_with_other_kinds_of_elements_has_another_shape(changed):
    assert shape_of(changed) != shape_of(TABLE.format(cls="a", text="Scope", more=""))


def test_the_content_and_the_frame_of_a_page_have_their_shapes_apart():
    page = '<nav class="{nav}"><a class="nav-link">x</a></nav><main>{content}</main>'
    content = TABLE.format(cls="a", text="Scope", more="")
    admin = shape_of(page.format(nav="navbar", content=content)).split()
    requester = shape_of(page.format(nav="navbar small", content=content)).split()
    other = shape_of(page.format(nav="navbar", content="<p>x</p>")).split()
    assert admin[0] == requester[0] and admin[1] != requester[1]  # another menu only
    assert admin[0] != other[0] and admin[1] == other[1]  # another content only


def test_the_crawl_follows_the_public_pages_and_not_the_api(live_server_port):
    base = f"http://localhost:{live_server_port}"
    found = crawl(session_for(base), base, PUBLIC_URLCONF, ["/"], ["favicon", "set_language"])
    assert {"tenancy:landing", "tenancy:signup", "accounts:login"} <= set(found.pages)
    assert not any(name.startswith("reference_api_v1:") for name in found.pages)
    assert not found.errors, found.errors
    # Each page kept for axe-core differs from the other pages of its URL pattern.
    shapes = [(page.route, page.shape) for page in found.distinct]
    assert len(shapes) == len(set(shapes))


def test_the_crawl_reports_a_start_page_that_fails_but_keeps_an_expired_link_page(
    live_server_port,
):
    base = f"http://localhost:{live_server_port}"
    found = crawl(session_for(base), base, PUBLIC_URLCONF, ["/signup/confirm/unknown/"])
    # Shown to axe-core (the page that says the link is unknown), not counted as reached.
    page = found.distinct[0]
    assert page.route == "tenancy:signup_confirm" and 400 <= page.status < 500
    assert "tenancy:signup_confirm" not in found.pages


def test_load_demo_refuses_an_unknown_tenant():
    with pytest.raises(CommandError, match="unknown demo tenant nowhere"):
        call_command("load_demo", "--tenant", "nowhere")
