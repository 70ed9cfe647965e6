"""Property-based requests generated from the tenant API's OpenAPI schema: no input makes the
plan lines' API fail with a 5xx (schemathesis generates the cases; Django's test client sends
them, signed in, on a line the person manages, so that the bodies reach the services)."""

from __future__ import annotations

import json
from itertools import product
from urllib.parse import urlencode

import pytest
import schemathesis
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from schemathesis.core import NOT_SET
from schemathesis.generation import GenerationMode

from tests.conftest import client_for, host_of

pytestmark = pytest.mark.slow
PREFIX = "/api/tenant/v1/"


def tenant_api_schema() -> dict:
    """The tenant URLconf's schema, narrowed to the tenant API."""
    schema = SchemaGenerator(urlconf="saas.urls_tenant").get_schema(request=None, public=True)
    schema["paths"] = {p: ops for p, ops in schema["paths"].items() if p.startswith(PREFIX)}
    return schema


def test_the_schema_describes_the_plan_lines_api():
    paths = tenant_api_schema()["paths"]
    assert set(paths[f"{PREFIX}plan/lines/"]) == {"get"}
    assert set(paths[f"{PREFIX}plan/lines/{{id}}/"]) == {"get", "patch"}
    patch = paths[f"{PREFIX}plan/lines/{{id}}/"]["patch"]["requestBody"]
    assert patch["required"] is True  # the version, which a PATCH cannot leave out
    assert set(paths[f"{PREFIX}plan/lines/{{id}}/steps/{{code}}/"]) == {"put", "post"}


def send(client: Client, case) -> int:  # type: ignore[no-untyped-def]
    query = urlencode(case.query or {}, doseq=True)
    path = f"{case.formatted_path}?{query}" if query else case.formatted_path
    if case.body is NOT_SET:
        return client.generic(case.method, path).status_code
    # Negative cases may be raw bytes (not JSON at all) in another media type.
    body = case.body if isinstance(case.body, bytes) else json.dumps(case.body)
    media_type = case.media_type or "application/json"
    return client.generic(case.method, path, body, content_type=media_type).status_code


def test_no_generated_request_gets_a_server_error(tenant, chain, managed):
    client = client_for(host_of(tenant), chain["users"]["expert"], tenant)
    api = schemathesis.openapi.from_dict(tenant_api_schema())
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 6
    answered: set[tuple[str, int]] = set()

    for operation, mode in product(operations, GenerationMode):

        @given(case=operation.as_strategy(mode))
        @settings(
            max_examples=20,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,  # the same examples on every run
        )
        def no_server_error(case):  # type: ignore[no-untyped-def]
            # On the managed line and a step of it: the generated bodies reach the services.
            if "id" in (case.path_parameters or {}):
                case.path_parameters["id"] = managed.pk
            if "code" in (case.path_parameters or {}):
                case.path_parameters["code"] = "order"
            status = send(client, case)
            answered.add((case.method, status))
            assert status < 500, (case.method, case.formatted_path, case.query, case.body)

        no_server_error()

    # The cases got past the sign-in and the CSRF check: reads answered, changes reached the
    # version check.
    assert {("GET", 200), ("PUT", 409), ("POST", 409), ("PATCH", 409)} <= answered, answered
