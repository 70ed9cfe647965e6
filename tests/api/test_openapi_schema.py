"""The checked-in OpenAPI schema matches the code, and its docs page loads nothing from a CDN."""

from pathlib import Path

from django.core.management import call_command

SCHEMA = Path(__file__).resolve().parents[2] / "docs/openapi/reference-v1.yaml"


def test_the_checked_in_schema_matches_the_code(tmp_path):
    generated = tmp_path / "schema.yaml"
    call_command(
        "spectacular", urlconf="api.reference.v1.openapi", file=str(generated), validate=True
    )
    assert generated.read_text() == SCHEMA.read_text(), (
        "docs/openapi/reference-v1.yaml is stale: python manage.py spectacular "
        "--urlconf api.reference.v1.openapi --file docs/openapi/reference-v1.yaml"
    )


def test_the_schema_and_docs_are_served_on_the_public_host_without_a_key(public_client, db):
    schema = public_client.get("/api/reference/v1/schema/")
    assert schema.status_code == 200 and b"/api/reference/v1/changes/" in schema.content
    docs = public_client.get("/api/reference/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in docs
    assert "cdn" not in docs.lower() and "unpkg" not in docs.lower()
    # Its language is declared (WCAG 3.1.1): the schema it shows is written in English.
    assert '<html lang="en">' in docs


TENANT_SCHEMA = Path(__file__).resolve().parents[2] / "docs/openapi/tenant-v1.yaml"


def test_the_checked_in_tenant_schema_matches_the_code(tmp_path):
    generated = tmp_path / "tenant.yaml"
    call_command(
        "spectacular",
        urlconf="api.tenant.v1.openapi",
        custom_settings="api.tenant.v1.openapi.SETTINGS",
        file=str(generated),
        validate=True,
    )
    assert generated.read_text() == TENANT_SCHEMA.read_text(), (
        "docs/openapi/tenant-v1.yaml is stale: python manage.py spectacular --urlconf "
        "api.tenant.v1.openapi --custom-settings api.tenant.v1.openapi.SETTINGS "
        "--file docs/openapi/tenant-v1.yaml"
    )
    text = TENANT_SCHEMA.read_text()
    assert "/api/tenant/v1/imports/{kind}/" in text and "ImportApiKey" in text
