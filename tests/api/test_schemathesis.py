"""Property-based requests generated from the OpenAPI schema: no input makes the sync API fail
with a 5xx (schemathesis, in-process through the WSGI application)."""

from __future__ import annotations

import json
from itertools import product

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode

from saas.wsgi import application
from shared_reference.fhir import parse_codesystem
from shared_reference.models import Subscriber, SubscriberAPIKey
from shared_reference.services import import_codesystem, publish_release

pytestmark = pytest.mark.slow


@pytest.fixture
def keep_connection():
    """Like Django's test client: the WSGI app must not close the test's connection."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db, keep_connection):
    import_codesystem(
        parse_codesystem(
            json.dumps(
                {
                    "resourceType": "CodeSystem",
                    "url": "http://example.org/cs/fuzz",
                    "name": "fuzz",
                    "content": "complete",
                    "concept": [{"code": "A", "display": "A"}, {"code": "B", "display": "B"}],
                }
            )
        )
    )
    publish_release(notes="fuzz", by="test")
    return schemathesis.openapi.from_wsgi("/api/reference/v1/schema/", application)


@pytest.fixture
def api_key(db):
    subscriber = Subscriber.objects.create(name="fuzzer")
    _, secret = SubscriberAPIKey.objects.create_key(name="fuzz", subscriber=subscriber)
    return secret


def test_no_generated_request_gets_a_server_error(api_schema, api_key):
    # One hypothesis run per operation and per mode (valid and invalid input). The pytest
    # plugin's lazy loading does not work with this pytest version, so operations are walked here.
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 8

    for operation, mode in product(operations, GenerationMode):

        @given(case=operation.as_strategy(mode))
        @settings(
            max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def no_server_error(case):
            response = case.call(headers={"Authorization": f"Api-Key {api_key}"})
            assert response.status_code < 500, (
                case.method,
                case.formatted_path,
                case.query,
                case.body,
                response.text[:500],
            )

        no_server_error()
