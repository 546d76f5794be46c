"""The OpenAPI description of the JSON API, checked against the running app by schemathesis."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from tracker.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture(autouse=True)
def published_catalogue(catalogue):
    """Real data behind every generated request."""


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Requests go through the WSGI handler, which closes database connections when a request ends;
    like Django's test client, keep the test's connection (and its transaction) open instead."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def conforms(case):
    # Two checks do not fit filters that work like the HTML form: pillar and theme slugs come from the
    # database, so the description cannot list them (an unknown slug is refused with 400), and an
    # empty value means "no filter", as the form sends it. Every other check runs: no server error,
    # only documented status codes, and every response body matching its schema.
    case.call_and_validate(excluded_checks=[positive_data_acceptance, negative_data_rejection])


# One test per endpoint, so that each has a test id of its own (a parallel run schedules by id).
@pytest.mark.django_db
@schema.include(path="/api/commitments/").parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_list_conforms_to_its_openapi_description(case):
    conforms(case)


@pytest.mark.django_db
@schema.include(path="/api/commitments/{slug}/").parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_a_commitment_conforms_to_its_openapi_description(case):
    conforms(case)


def test_schema_describes_the_commitment_endpoints(client, db):
    document = client.get("/api/schema/?format=json").json()
    assert document["openapi"].startswith("3.")
    assert {"/api/commitments/", "/api/commitments/{slug}/"} <= set(document["paths"])
