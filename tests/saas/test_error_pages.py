"""The product's 404/403/500 pages, in French, also with DEBUG on (as in the demo)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import include, path

from tests.conftest import client_for, host_of

pytestmark = pytest.mark.django_db


def _boom(request):  # type: ignore[no-untyped-def]
    raise RuntimeError("boom")


def _forbidden(request):  # type: ignore[no-untyped-def]
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied


@pytest.fixture
def debug_on(settings):  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    settings.DEBUG_ERROR_PAGES = False
    return settings


def test_an_unknown_address_shows_the_products_404_in_french_with_debug_on(
    debug_on, tenant, make_user
):
    client = client_for(host_of(tenant), make_user(tenant), tenant)
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert 'data-error-page="404"' in body and "Page introuvable" in body
    # Django's technical page lists the project's URL patterns; ours never does.
    assert "URLconf" not in body and "requests/" not in body.split("<main")[1]


def test_a_missing_object_shows_the_products_404_with_debug_on(debug_on, public_client):
    response = public_client.get("/reference/nomenclatures/no-such-code/fhir/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_a_crash_shows_the_products_500_and_keeps_the_traceback_in_the_log(
    debug_on, tenant, caplog
):
    debug_on.ROOT_URLCONF = __name__
    client = Client(HTTP_HOST=host_of(tenant), raise_request_exception=False)
    response = client.get("/boom/")
    body = response.content.decode()
    assert response.status_code == 500
    assert 'data-error-page="500"' in body and "de notre côté" in body
    assert "Traceback" not in body and "boom" not in body
    assert any(record.exc_info and "boom" in str(record.exc_info[1]) for record in caplog.records)


def test_a_refusal_shows_the_products_403_in_french(debug_on, tenant):
    debug_on.ROOT_URLCONF = __name__
    response = Client(HTTP_HOST=host_of(tenant)).get("/forbidden/")
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_production_shows_the_same_pages(settings, tenant):
    settings.DEBUG = False
    client = Client(HTTP_HOST=host_of(tenant))
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "Page introuvable" in response.content.decode()


def test_a_developer_may_still_ask_for_djangos_technical_pages(debug_on, tenant):
    debug_on.DEBUG_ERROR_PAGES = True
    client = Client(HTTP_HOST=host_of(tenant))
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "URLconf" in response.content.decode()


def test_the_favicon_is_a_static_file_the_product_serves(tenant, public_client):
    for client in (Client(HTTP_HOST=host_of(tenant)), public_client):
        response = client.get("/favicon.ico")
        assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
    page = public_client.get("/accounts/login/").content.decode()
    assert 'rel="icon"' in page


# The tenant host's URLs plus two views that fail on purpose.
urlpatterns = [
    path("boom/", _boom),
    path("forbidden/", _forbidden),
    path("", include("saas.urls_tenant")),
]
