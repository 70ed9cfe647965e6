"""The URLconf the OpenAPI schema of the reference sync API is generated from.

`docs/openapi/reference-v1.yaml` is generated from it and checked against the code by the
tests (tests/api/test_openapi_schema.py):

    python manage.py spectacular --urlconf api.reference.v1.openapi \
        --file docs/openapi/reference-v1.yaml
"""

from django.urls import include, path
from drf_spectacular.extensions import OpenApiAuthenticationExtension

urlpatterns = [path("api/reference/v1/", include("api.reference.v1.urls"))]


class SubscriberKeyScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "api.reference.v1.auth.SubscriberKeyAuthentication"
    name = "SubscriberApiKey"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`: one key per subscriber, read-only, revocable.",
        }
