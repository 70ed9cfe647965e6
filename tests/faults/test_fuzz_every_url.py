"""Parameter fuzz over every URL of both URLconfs: no input makes a page or an API answer 5xx.

Routes come from the resolver (as in tests/isolation/test_every_url.py), so a new view joins
without anyone listing it. The parameters come from the code: the fields of the forms each page
renders (its GET page's HTML), every filterset's filters, and common names. Each request sends
all of them with one class of bad value (NUL byte, overlong text, 5,000 digits, non-ASCII
digits, impossible dates...): one request per route, value class and method keeps the run
within the CI budget while every class reaches every parameter. Values are fixed: the run is
deterministic.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import django_filters
import pytest
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, converters, get_resolver, resolve, reverse
from django_tenants.utils import schema_context, tenant_context

from saas.tenancy.context import use_public_schema
from saas.tenancy.models import Tenant
from shared_reference.fhir import parse_codesystem
from shared_reference.models import (
    Contribution,
    DeviceModel,
    Manufacturer,
    Subscriber,
    SubscriberAPIKey,
)
from shared_reference.services import import_codesystem, publish_release
from tenants.access.models import ExpertiseDomain, Role, ScopeKind
from tenants.access.services import grant_role
from tenants.accounts.models import User
from tests.conftest import PASSWORD, client_for, host_of
from tests.isolation.test_every_url import PUBLIC_URLCONF, TENANT_URLCONF, Route, walk

# One value per class of input that once made a view fail (issue 13).
VALUE_CLASSES: dict[str, str] = {
    "nul": "a\x00b",
    "overlong": "é" * 256,
    "huge": "x" * 5000,
    "digits": "9" * 5000,
    "out-of-range": "9" * 20,  # a Python int, too big for any PostgreSQL integer column
    "unicode-digits": "²٣",
    "impossible-date": "2026-02-30",
    "french-date": "31/13/2026",
    "negative": "-1",
}
# Anonymous visitors mostly meet the sign-in page: fewer classes keep the run short.
ANONYMOUS_CLASSES = ("nul", "huge", "digits", "impossible-date")

COMMON_PARAMETERS = (
    "q",
    "page",
    "sort",
    "order",
    "since",
    "limit",
    "per_page",
    "year",
    "date",
    "from",
    "to",
    "status",
    "state",
    "uf",
    "establishment",
    "pole",
    "service",
    "campaign",
    "source",
    "kind",
    "next",
    "view",
    "columns",
    "export",
    "format",
    "topic",
    "manufacturer",
    "code",
    "id",
)
SKIPPED_FIELDS = {"csrfmiddlewaretoken"}
# Routes taking a key (suggestion source, list page) are fuzzed on this many of the keys
# they know: enough to reach different code, few enough for the CI budget.
MAX_KEYS_PER_ROUTE = 4


def filterset_parameters() -> set[str]:
    """Every filter of every filterset in the project, with their range suffixes."""
    import tenants.campaigns.filters
    import tenants.inventory.filters
    import tenants.plan.filters
    import tenants.requests.filters
    import tenants.structure.filters  # noqa: F401 -- imported so their filtersets exist

    found: set[str] = set()
    pending = list(django_filters.FilterSet.__subclasses__())
    while pending:
        filterset = pending.pop()
        pending.extend(filterset.__subclasses__())
        for name, declared in filterset.base_filters.items():
            found.add(name)
            ranges = django_filters.RangeFilter | django_filters.DateFromToRangeFilter
            if isinstance(declared, ranges):
                found.update({f"{name}_min", f"{name}_max", f"{name}_after", f"{name}_before"})
    return found


class FormFields(HTMLParser):
    """The names of the fields of every form of a page (file inputs excepted: H2's suite)."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        name = values.get("name")
        if tag in {"input", "select", "textarea"} and name and values.get("type") != "file":
            self.names.add(name)


def form_fields(response: Any) -> set[str]:
    if "html" not in response.get("Content-Type", ""):
        return set()
    parser = FormFields()
    parser.feed(response.content.decode(errors="replace"))
    return parser.names - SKIPPED_FIELDS


def known_keys() -> list[str]:
    """What string segments of URLs name: suggestion sources, list pages, attachable objects."""
    from tenants.core.suggest import SOURCES
    from tenants.documents.registry import ATTACHABLE
    from tenants.tables.listing import PAGES

    return sorted({*SOURCES, *PAGES, *ATTACHABLE, "fuzz", "nomenclature"})


def url_for(route: Route, urlconf: str, object_id: int, key: str = "fuzz") -> str:
    kwargs: dict[str, object] = {}
    for name, converter in route.converters.items():
        if isinstance(converter, converters.IntConverter):
            kwargs[name] = object_id
        elif isinstance(converter, converters.UUIDConverter):
            kwargs[name] = uuid.UUID(int=object_id)
        else:
            kwargs[name] = key
    return reverse(route.name, kwargs=kwargs, urlconf=urlconf)


def routes(urlconf: str) -> list[Route]:
    return sorted({r.name: r for r in walk(get_resolver(urlconf))}.values(), key=str)


def request(client: Client, method: str, url: str, params: dict[str, str]) -> tuple[int, str]:
    """One request in its own savepoint: a database error rolls back only this request."""
    try:
        with transaction.atomic():
            response = getattr(client, method)(url, params)
    except Exception as exc:  # the view raised: what the test client turns into an exception
        return 500, f"{type(exc).__name__}: {str(exc)[:160]}"
    return response.status_code, ""


def reachable_urls(
    client: Client, route: Route, urlconf: str, ids: list[int], explore_keys: bool
) -> list[str]:
    """The route's URLs to fuzz: on an object that exists when the route takes an id, and on
    each known key (suggestion source, list page...) it knows when it takes a string."""
    if not route.converters:
        return [reverse(route.name, urlconf=urlconf)]
    takes_key = any(
        not isinstance(c, converters.IntConverter | converters.UUIDConverter)
        for c in route.converters.values()
    )
    if takes_key:
        urls = []
        for key in known_keys():
            try:
                urls.append(url_for(route, urlconf, ids[0], key))
            except NoReverseMatch:  # a key the converter does not accept (a dot in a slug)
                continue
        if not explore_keys:
            return urls[:1]
        statuses = {url: request(client, "get", url, {})[0] for url in urls}
        known = [url for url, status in statuses.items() if status != 404]
        if len(known) == len(urls):  # the route takes any text (a token): one is enough
            return urls[:1]
        return known[:MAX_KEYS_PER_ROUTE] or urls[:1]
    for object_id in ids:
        candidate = url_for(route, urlconf, object_id)
        if request(client, "get", candidate, {})[0] == 200:
            return [candidate]
    return [url_for(route, urlconf, ids[0])]


def declared_parameters(url: str, urlconf: str) -> set[str] | None:
    """The parameters a view declares it takes (the reference API refuses any other with a
    400, which would hide what the declared ones do with a bad value), else None."""
    view_class = getattr(resolve(url, urlconf=urlconf).func, "view_class", None)
    declared = getattr(view_class, "allowed_params", None)
    return set(declared) if declared is not None else None


def fuzz(client: Client, url: str, parameters: set[str], classes: tuple[str, ...]) -> list[str]:
    failures = []
    for value_class in classes:
        params = dict.fromkeys(sorted(parameters), VALUE_CLASSES[value_class])
        for method in ("get", "post"):
            status, error = request(client, method, url, params)
            if status >= 500:
                failures.append(f"{method.upper()} {url} [{value_class}] -> {status} {error}")
    return failures


def fuzz_route(
    client: Client,
    route: Route,
    urlconf: str,
    ids: list[int],
    classes: tuple[str, ...] = tuple(VALUE_CLASSES),
    explore_keys: bool = True,
) -> None:
    failures = []
    for url in reachable_urls(client, route, urlconf, ids, explore_keys):
        try:
            with transaction.atomic():
                page = client.get(url)
            fields = form_fields(page)
        except Exception:  # a page failing without parameters fails the walk in test_every_url
            fields = set()
        parameters = declared_parameters(url, urlconf)
        if parameters is None:
            parameters = fields | set(COMMON_PARAMETERS) | FILTER_PARAMETERS
        failures += fuzz(client, url, parameters, classes)
    assert not failures, "\n".join(failures)


FILTER_PARAMETERS = filterset_parameters()
TENANT_ROUTES = routes(TENANT_URLCONF)
PUBLIC_ROUTES = routes(PUBLIC_URLCONF)


def test_the_fuzz_knows_the_filters_and_both_urlconfs():
    assert {"q"} <= set(COMMON_PARAMETERS)
    assert len(FILTER_PARAMETERS) >= 5
    assert {"home", "tenant_api_v1:me"} <= {r.name for r in TENANT_ROUTES}
    assert {"reference:home", "reference_api_v1:changes"} <= {r.name for r in PUBLIC_ROUTES}


@pytest.fixture(scope="module")
def _everyone(django_db_setup, django_db_blocker) -> Iterator[tuple[Tenant, User]]:  # type: ignore[no-untyped-def]
    """A user of tenant B holding every role on the whole tenant (and every expertise domain),
    made once for the module (granting every role to each route's own user took about a third
    of a second, times 150 routes) inside a transaction that each test's own (a savepoint,
    rolled back after it) nests in, and that is rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        tenant = Tenant.objects.get(schema_name="t_bravo")
        with tenant_context(tenant):
            user = User.objects.create_user(f"user-{uuid.uuid4().hex[:8]}@example.org", PASSWORD)
            for role in Role.values:
                grant_role(user, role, ScopeKind.TENANT, by="fuzz")
            for domain in ExpertiseDomain.objects.all():
                grant_role(user, Role.EXPERT, ScopeKind.DOMAIN, domain, by="fuzz")
        use_public_schema()
        yield tenant, user
        transaction.set_rollback(True)
    use_public_schema()


@pytest.fixture
def everyone(_everyone, db) -> Client:  # type: ignore[no-untyped-def]
    """That user's client, signed in for this test alone (a route that signs out, say, leaves
    the next test's client signed in)."""
    tenant, user = _everyone
    return client_for(host_of(tenant), user, tenant)


@pytest.fixture
def reference_data(db) -> list[int]:
    """Something behind each curator page: a nomenclature, a model, a contribution, a release."""
    with schema_context("public"):
        import_codesystem(
            parse_codesystem(
                json.dumps(
                    {
                        "resourceType": "CodeSystem",
                        "url": "http://example.org/cs/fuzz",
                        "name": "fuzz",
                        "content": "complete",
                        "concept": [{"code": "A1", "display": "One"}],
                    }
                )
            )
        )
        model = DeviceModel.objects.create(
            manufacturer=Manufacturer.objects.create(name="Fuzz maker"), commercial_name="Fuzz"
        )
        release = publish_release(notes="fuzz", by="test")
        contribution = Contribution.objects.create(
            subscriber=Subscriber.objects.create(name="fuzz"),
            kind="correction",
            target=model,
            proposal={"commercial_name": "Fuzz 2"},
            source="fuzz",
        )
        ids = {1, model.pk, getattr(release, "pk", 1), contribution.pk}
    return sorted(ids)


@pytest.mark.parametrize("route", TENANT_ROUTES, ids=str)
def test_no_parameter_makes_a_tenant_page_fail(route, everyone):
    fuzz_route(everyone, route, TENANT_URLCONF, [1, 2, 3])


def staff_and_subscriber(make_user: Any) -> Client:
    """Platform staff (curator too) on the public host, carrying a subscriber's API key: the
    pages see the session, the reference API the key."""
    staff = client_for("localhost", make_user(None, is_staff=True, is_superuser=True))
    subscriber = Subscriber.objects.create(name="fuzz subscriber", mirrors_everything=True)
    _, secret = SubscriberAPIKey.objects.create_key(name="fuzz", subscriber=subscriber)
    staff.defaults["HTTP_AUTHORIZATION"] = f"Api-Key {secret}"
    return staff


@pytest.mark.parametrize("route", PUBLIC_ROUTES, ids=str)
def test_no_parameter_makes_a_public_page_fail(route, reference_data, make_user):
    fuzz_route(staff_and_subscriber(make_user), route, PUBLIC_URLCONF, reference_data)


@pytest.mark.parametrize(
    ("urlconf", "route"),
    [(TENANT_URLCONF, r) for r in TENANT_ROUTES] + [(PUBLIC_URLCONF, r) for r in PUBLIC_ROUTES],
    ids=lambda value: str(value).rsplit(".", 1)[-1],
)
def test_no_parameter_makes_a_page_fail_for_an_anonymous_visitor(urlconf, route, other_tenant):
    host = host_of(other_tenant) if urlconf == TENANT_URLCONF else "localhost"
    fuzz_route(Client(HTTP_HOST=host), route, urlconf, [1], ANONYMOUS_CLASSES, explore_keys=False)


def test_the_fuzz_reaches_the_pages_rather_than_the_sign_in_page(
    everyone, reference_data, make_user
):
    """A fuzz that only ever met redirects to the sign-in page would prove nothing."""
    staff = staff_and_subscriber(make_user)
    for client, found, urlconf in (
        (everyone, TENANT_ROUTES, TENANT_URLCONF),
        (staff, PUBLIC_ROUTES, PUBLIC_URLCONF),
    ):
        pages = [r for r in found if not r.converters]
        reached = [
            r.name for r in pages if request(client, "get", url_for(r, urlconf, 1), {})[0] == 200
        ]
        assert len(reached) >= len(pages) * 0.5, (
            urlconf,
            sorted(set(r.name for r in pages) - set(reached)),
        )
