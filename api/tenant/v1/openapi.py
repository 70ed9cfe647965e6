"""The URLconf the OpenAPI schema of the tenant API is generated from.

`docs/openapi/tenant-v1.yaml` is generated from it and checked against the code by the tests
(tests/api/test_openapi_schema.py):

    python manage.py spectacular --urlconf api.tenant.v1.openapi \
        --custom-settings api.tenant.v1.openapi.SETTINGS --file docs/openapi/tenant-v1.yaml
"""

from django.urls import include, path

# The import key's security scheme is declared beside it (api/tenant/v1/imports.py).

urlpatterns = [path("api/tenant/v1/", include("api.tenant.v1.urls"))]

SETTINGS = {
    "TITLE": "Tenant API",
    "DESCRIPTION": (
        "A tenant's own API, on the tenant's host: the plan lines with a person's session, and "
        "the files a hospital's systems push with an import API key (created on /imports/)."
    ),
    "VERSION": "1.0.0",
}
