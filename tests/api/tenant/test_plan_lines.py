"""Tenant API v1, plan lines: what each person reads of them and what they may change, refused
as the line's page refuses (the table of tenants/plan/rules.py, through the plan services)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django_tenants.utils import tenant_context

from saas.tenancy.context import use_public_schema
from saas.tenancy.models import Tenant
from tenants.accounts.models import User
from tenants.plan import services
from tenants.plan.models import LineEvent, LineStep, PlanLine
from tenants.requests.models import EquipmentRequest, RequestState
from tenants.requests.services import PartInput, save_draft
from tests.api.tenant.conftest import API, fresh
from tests.conftest import B_MARKER, PASSWORD, client_for, host_of
from tests.tenants.conftest import build_chain
from tests.tenants.plan.conftest import plan_line_of

LINES = "plan/lines/"
PUBLIC_KEYS = {
    "id",
    "reference",
    "request_reference",
    "year",
    "title",
    "campaign",
    "uf",
    "nature",
    "status",
    "manager",
    "granted_amount",
    "commissioning_month",
    "settled",
    "closed",
    "version",
    "public_note",
}
FOLLOW_UP_KEYS = {
    "procedure",
    "estimated_amount",
    "ordered_amount",
    "committed_amount",
    "committed_source",
    "paid_amount",
    "paid_source",
    "private_note",
}
EQUIPMENT_STEPS = ["need", "trials", "procedure", "quotes", "order", "delivery", "commissioning"]


@pytest.fixture(scope="module")
def _people_and_line(django_db_setup, django_db_blocker) -> Iterator[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """The request chain, its granted line and a signed-in client per person, made once for
    the module (built for each of its 119 tests, they took four fifths of its time) inside a
    transaction that each test's own (a savepoint, rolled back after it) nests in, and that
    is rolled back at the end."""

    def make_user(tenant: Tenant, **extra: object) -> User:
        email = f"user-{uuid.uuid4().hex[:8]}@example.org"
        with tenant_context(tenant):
            return User.objects.create_user(email, PASSWORD, **extra)

    with django_db_blocker.unblock(), transaction.atomic():
        tenant = Tenant.objects.get(schema_name="t_alpha")
        # A's line takes an id that none of B's lines has: asked for by id on A's host, B's
        # line must not be A's by chance (each schema numbers its own rows).
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('t_alpha.plan_planline', 'id'), "
                "(SELECT COALESCE(MAX(id), 0) + 1 FROM ("
                "SELECT id FROM t_alpha.plan_planline UNION ALL "
                "SELECT id FROM t_bravo.plan_planline) AS ids))"
            )
        with tenant_context(tenant):
            chain = build_chain(tenant, make_user)
        plan_line = plan_line_of(chain, tenant, make_user)
        people = {**chain["users"], "admin": chain["admin"]}
        clients = {
            name: API(client_for(host_of(tenant), user, tenant)) for name, user in people.items()
        }
        use_public_schema()
        yield {"chain": chain, "line": plan_line, "api": clients}
        transaction.set_rollback(True)
    use_public_schema()


@pytest.fixture
def chain(_people_and_line, db) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return _people_and_line["chain"]


@pytest.fixture
def line(_people_and_line, tenant) -> PlanLine:  # type: ignore[no-untyped-def]
    return fresh(tenant, _people_and_line["line"])


@pytest.fixture
def api(_people_and_line, db) -> dict[str, API]:  # type: ignore[no-untyped-def]
    return _people_and_line["api"]


def url(line: PlanLine, rest: str = "") -> str:
    return f"{LINES}{line.pk}/{rest}"


def more_lines(tenant, chain, count: int) -> list[PlanLine]:  # type: ignore[no-untyped-def]
    """``count`` more granted lines in the chain's UF, titled "Pousse-seringue N"."""
    lines = []
    with tenant_context(tenant):
        for number in range(count):
            request = save_draft(
                by=chain["users"]["requester"],
                campaign=chain["campaign"],
                uf=chain["rea"],
                title=f"Pousse-seringue {number}",
                parts=[PartInput("investment", 1, "1500")],
            )
            EquipmentRequest.objects.filter(pk=request.pk).update(
                state=RequestState.GRANTED,
                granted_amount=Decimal("1500"),
                domain=chain["biomedical"],
            )
            request.refresh_from_db()
            lines.append(services.add_granted_request(request, by=chain["admin"]))
    return lines


# --- reading ------------------------------------------------------------------------------------


def test_a_requester_reads_the_public_side_only(api, managed):
    body = api["requester"].get(LINES).json()
    assert body["count"] == 1
    (row,) = body["results"]
    assert set(row) == PUBLIC_KEYS
    assert (row["id"], row["granted_amount"], row["version"]) == (managed.pk, "25000.00", 2)
    assert row["manager"] == {"id": managed.manager_id, "name": "expert"}
    assert (row["uf"]["code"], row["campaign"]["name"]) == ("1101", "Recensement")
    detail = api["requester"].get(url(managed)).json()
    assert set(detail) == PUBLIC_KEYS | {"steps", "editable"}
    assert detail["editable"] == []


@pytest.mark.parametrize("who", ["expert", "buyer", "finance", "dispatcher", "admin"])
def test_the_team_reads_the_amounts_and_the_private_note(api, tenant, chain, managed, who):
    with tenant_context(tenant):
        services.update_line(
            managed,
            {"private_note": "Négocier la garantie", "ordered_amount": "24000"},
            by=chain["users"]["expert"],
        )
    (row,) = api[who].get(LINES).json()["results"]
    assert set(row) == PUBLIC_KEYS | FOLLOW_UP_KEYS
    assert (row["private_note"], row["ordered_amount"]) == ("Négocier la garantie", "24000.00")
    assert set(api[who].get(url(managed)).json()) >= FOLLOW_UP_KEYS


def test_a_line_shows_its_steps_and_what_each_person_may_change(api, tenant, chain, managed):
    detail = api["expert"].get(url(managed)).json()
    assert [s["code"] for s in detail["steps"]] == EQUIPMENT_STEPS
    assert detail["steps"][-1] == {
        "code": "commissioning",
        "name": "Mise en service",
        "status": "to_do",
        "date": None,
        "note": "",
    }
    assert "paid_amount" in detail["editable"] and "steps" in detail["editable"]
    assert api["buyer"].get(url(managed)).json()["editable"] == [
        "order_number",
        "ordered_amount",
        "private_note",
        "procedure",
        "steps",
    ]
    assert api["finance"].get(url(managed)).json()["editable"] == [
        "committed_amount",
        "paid_amount",
    ]
    assert api["dispatcher"].get(url(managed)).json()["editable"] == ["manager"]


def test_the_list_filters_by_year_manager_closed_and_title(api, tenant, chain, managed):
    others = more_lines(tenant, chain, 2)
    with tenant_context(tenant):
        services.close_line(others[1], by=chain["admin"])

    def ids(who: str = "expert", **params: str) -> set[int]:
        response = api[who].get(LINES, params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    everything = {managed.pk, others[0].pk, others[1].pk}
    assert ids() == everything
    assert ids(year=str(managed.year)) == everything and ids(year="2001") == set()
    assert ids(manager="me") == {managed.pk} and ids("buyer", manager="me") == set()
    assert ids(manager=str(chain["users"]["expert"].pk)) == {managed.pk}
    assert ids(closed="true") == {others[1].pk}
    assert ids(closed="false") == {managed.pk, others[0].pk}
    assert ids(q="seringue 0") == {others[0].pk} and ids(q="RESPIRA") == {managed.pk}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year": "deux mille"}, "year"),
        ({"year": "9" * 5000}, "year"),
        ({"year": "²"}, "year"),
        ({"manager": "somebody"}, "manager"),
        ({"manager": "9" * 11}, "manager"),
        ({"manager": "٣"}, "manager"),
        ({"closed": "perhaps"}, "closed"),
        ({"closed": "x" * 100_000}, "closed"),
        ({"q": "a\x00b"}, "q"),
        ({"q": "x" * 100_000}, "q"),
        ({"page": "two"}, "page"),
        ({"page": "9" * 5000}, "page"),
        ({"page": "0"}, "page"),
        ({"page_size": "1000"}, "page_size"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_filter_is_refused_naming_it(api, managed, params, field):
    response = api["expert"].get(LINES, params)
    assert response.status_code == 400, response.content[:300]
    assert field in response.json() and len(response.content) < 2000


def test_the_list_comes_by_pages_and_a_page_past_the_end_is_not_found(api, tenant, chain, line):
    more_lines(tenant, chain, 4)
    first = api["expert"].get(LINES, {"page_size": "2"}).json()
    assert first["count"] == 5 and len(first["results"]) == 2 and first["next"]
    last = api["expert"].get(LINES, {"page_size": "2", "page": "3"}).json()
    assert len(last["results"]) == 1 and last["next"] is None
    seen = [
        r["id"]
        for p in (1, 2, 3)
        for r in api["expert"].get(LINES, {"page_size": "2", "page": str(p)}).json()["results"]
    ]
    assert len(set(seen)) == 5
    assert api["expert"].get(LINES, {"page": "4", "page_size": "2"}).status_code == 404


def test_the_list_reads_a_fixed_number_of_queries(
    api, tenant, chain, line, django_assert_max_num_queries
):
    # Warm the session and the caches, then one line against six: the same count.
    api["buyer"].get(LINES)
    with django_assert_max_num_queries(12) as one:
        api["buyer"].get(LINES)
    more_lines(tenant, chain, 5)
    with django_assert_max_num_queries(len(one.captured_queries)):
        body = api["buyer"].get(LINES).json()
    assert body["count"] == 6 and all("paid_amount" in row for row in body["results"])


# --- scope ----------------------------------------------------------------------------------------


def test_a_line_outside_the_persons_scope_is_not_found(api, tenant, managed):
    # An expert of another domain, a head of another pôle: the line is not theirs to see.
    for who in ("imaging_expert", "other_head"):
        assert api[who].get(LINES).json()["count"] == 0
        assert api[who].get(url(managed)).status_code == 404
        response = api[who].patch(url(managed), {"version": 2, "public_note": "x"})
        assert response.status_code == 404
        response = api[who].put(url(managed, "steps/order/"), {"version": 2, "status": "done"})
        assert response.status_code == 404
    assert fresh(tenant, managed).version == 2


def test_another_tenants_line_is_not_found(api, tenant, other_tenant):
    """Tenant B's line (tests/conftest.py gives it the marker), asked for by id on A's host by
    A's administrator."""
    with tenant_context(other_tenant):
        their_line = PlanLine.objects.get(title__contains=B_MARKER)
    with tenant_context(tenant):  # else the id would find A's own line
        assert not PlanLine.objects.filter(pk=their_line.pk).exists()
    admin = api["admin"]
    assert B_MARKER not in admin.get(LINES).content.decode()
    for response in (
        admin.get(url(their_line)),
        admin.patch(url(their_line), {"version": 1, "public_note": "x"}),
        admin.put(url(their_line, "steps/order/"), {"version": 1, "status": "done"}),
    ):
        assert response.status_code == 404 and B_MARKER not in response.content.decode()
    with tenant_context(other_tenant):
        assert PlanLine.objects.get(pk=their_line.pk).version == 1


def test_an_anonymous_caller_is_turned_away(tenant, line):
    client = Client(HTTP_HOST=host_of(tenant))
    assert client.get(f"/api/tenant/v1/{LINES}").status_code == 403
    response = client.patch(
        f"/api/tenant/v1/{url(line)}", '{"version": 1}', content_type="application/json"
    )
    assert response.status_code == 403


# --- changing: the same table as the page -------------------------------------------------------


def test_a_buyer_changes_the_ordered_amount_but_not_the_paid_one(api, tenant, managed):
    response = api["buyer"].patch(url(managed), {"version": 2, "ordered_amount": "24000.50"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["ordered_amount"], body["version"]) == ("24000.50", 3)
    response = api["buyer"].patch(url(managed), {"version": 3, "paid_amount": "100"})
    assert response.status_code == 403 and list(response.json()) == ["paid_amount"]
    line = fresh(tenant, managed)
    assert (line.ordered_amount, line.paid_amount, line.version) == (Decimal("24000.50"), None, 3)


def test_finance_records_the_paid_amount_but_not_the_ordered_one(api, tenant, managed):
    response = api["finance"].patch(url(managed), {"version": 2, "paid_amount": 1200})
    assert response.status_code == 200, response.content
    assert (response.json()["paid_amount"], response.json()["paid_source"]) == ("1200.00", "manual")
    response = api["finance"].patch(url(managed), {"version": 3, "ordered_amount": "1"})
    assert response.status_code == 403 and list(response.json()) == ["ordered_amount"]


@pytest.mark.parametrize(
    ("who", "field", "value"),
    [
        ("requester", "public_note", "Livraison en mars"),
        ("pole_head", "ordered_amount", "10"),
        ("dispatcher", "paid_amount", "10"),
        ("imaging_expert", "public_note", "x"),
        ("buyer", "public_note", "x"),
        ("finance", "commissioning_month", "2099-01"),
        ("commission", "settled", True),
        ("requester", "closed", True),
        ("buyer", "manager", None),
    ],
)
def test_who_may_not_change_a_field_is_refused_naming_it(api, tenant, managed, who, field, value):
    response = api[who].patch(url(managed), {"version": 2, field: value})
    # The imaging expert does not even see the line.
    expected = 404 if who == "imaging_expert" else 403
    assert response.status_code == expected, response.content
    if expected == 403:
        assert list(response.json()) == [field]
    assert fresh(tenant, managed).version == 2


def test_the_manager_changes_the_line_and_an_unchanged_value_needs_no_right(api, tenant, managed):
    response = api["expert"].patch(
        url(managed),
        {
            "version": 2,
            "procedure": "central_market",
            "estimated_amount": "26000",
            "commissioning_month": "2099-03",
            "public_note": "  Livraison en mars  ",
            "private_note": "Garantie 3 ans",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["commissioning_month"], body["public_note"], body["version"]) == (
        "2099-03",
        "Livraison en mars",
        3,
    )
    # The first day of a month is read as the month; the same values again change nothing,
    # and a buyer sending back the manager's fields unchanged is not refused.
    same = {"version": 3, "commissioning_month": "2099-03-01", "public_note": "Livraison en mars"}
    assert api["buyer"].patch(url(managed), same).json()["version"] == 3


def test_a_stale_version_is_refused_naming_the_version(api, tenant, managed):
    response = api["expert"].patch(url(managed), {"version": 1, "public_note": "late"})
    assert response.status_code == 409 and list(response.json()) == ["version"]
    response = api["expert"].put(url(managed, "steps/order/"), {"version": 1, "status": "done"})
    assert response.status_code == 409 and list(response.json()) == ["version"]
    with tenant_context(tenant):
        assert not LineStep.objects.exists()
        assert PlanLine.objects.get(pk=managed.pk).public_note == ""


def test_a_closed_line_refuses_changes_until_its_manager_reopens_it(api, tenant, managed):
    response = api["expert"].patch(url(managed), {"version": 2, "closed": True})
    assert response.status_code == 200 and response.json()["closed"] is True
    assert response.json()["editable"] == ["closed"]
    for who, body in (
        ("expert", {"version": 3, "public_note": "x"}),
        ("buyer", {"version": 3, "ordered_amount": "5"}),
    ):
        response = api[who].patch(url(managed), body)
        assert response.status_code == 409, response.content
        assert list(response.json()) == [next(k for k in body if k != "version")]
    response = api["expert"].put(url(managed, "steps/order/"), {"version": 3, "status": "done"})
    assert response.status_code == 409 and list(response.json()) == ["steps"]
    # Reopening says why; a reason without reopening is refused.
    response = api["expert"].patch(url(managed), {"version": 3, "closed": False})
    assert response.status_code == 400 and list(response.json()) == ["reason"]
    response = api["buyer"].patch(url(managed), {"version": 3, "closed": False, "reason": "x"})
    assert response.status_code == 403 and list(response.json()) == ["closed"]
    response = api["expert"].patch(
        url(managed), {"version": 3, "closed": False, "reason": "Reçu incomplet"}
    )
    assert response.status_code == 200 and response.json()["closed"] is False
    response = api["expert"].patch(url(managed), {"version": 4, "reason": "why not"})
    assert response.status_code == 400 and list(response.json()) == ["reason"]
    with tenant_context(tenant):
        events = list(LineEvent.objects.filter(line=managed).values_list("action", "reason"))
    assert events[-2:] == [("close", ""), ("reopen", "Reçu incomplet")]


def test_one_patch_is_all_or_nothing(api, tenant, managed):
    # The buyer may change the ordered amount, not the paid one: neither changes.
    response = api["buyer"].patch(
        url(managed), {"version": 2, "ordered_amount": "100", "paid_amount": "100"}
    )
    assert response.status_code == 403 and list(response.json()) == ["paid_amount"]
    # Settling needs the ordered amount first: the note typed with it is not kept either.
    response = api["expert"].patch(
        url(managed), {"version": 2, "public_note": "soldée", "settled": True}
    )
    assert response.status_code == 400 and list(response.json()) == ["ordered_amount"]
    line = fresh(tenant, managed)
    assert (line.ordered_amount, line.public_note, line.settled, line.version) == (
        None,
        "",
        False,
        2,
    )


def test_the_manager_settles_and_closes_in_one_patch_and_settled_amounts_are_final(
    api, tenant, managed
):
    response = api["expert"].patch(
        url(managed), {"version": 2, "ordered_amount": "24000", "settled": True}
    )
    assert response.status_code == 200, response.content
    assert response.json()["settled"] is True
    response = api["buyer"].patch(url(managed), {"version": 4, "ordered_amount": "1"})
    assert response.status_code == 409 and list(response.json()) == ["ordered_amount"]
    # Unsettling comes before the fields: one request opens the amounts and changes them.
    response = api["expert"].patch(
        url(managed), {"version": 4, "settled": False, "ordered_amount": "23000", "closed": True}
    )
    body = response.json()
    assert (body["settled"], body["ordered_amount"], body["closed"]) == (False, "23000.00", True)


def test_the_dispatcher_names_the_manager_and_only_an_expert_of_the_line(api, tenant, chain, line):
    expert = chain["users"]["expert"]
    response = api["dispatcher"].patch(url(line), {"version": 1, "manager": expert.pk})
    assert response.status_code == 200, response.content
    assert response.json()["manager"] == {"id": expert.pk, "name": "expert"}
    for candidate in (chain["users"]["imaging_expert"].pk, chain["users"]["requester"].pk):
        response = api["dispatcher"].patch(url(line), {"version": 2, "manager": candidate})
        assert response.status_code == 400 and list(response.json()) == ["manager"]
    response = api["expert"].patch(url(line), {"version": 2, "manager": None})
    assert response.status_code == 403 and list(response.json()) == ["manager"]
    response = api["dispatcher"].patch(url(line), {"version": 2, "manager": None})
    assert response.status_code == 200 and response.json()["manager"] is None


# --- steps ----------------------------------------------------------------------------------------


def test_the_manager_walks_a_step_with_put_or_post(api, tenant, managed):
    response = api["expert"].put(
        url(managed, "steps/order/"),
        {"version": 2, "status": "done", "date": "2027-03-15", "note": "Bon n° 42"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    order = next(s for s in body["steps"] if s["code"] == "order")
    assert (order["status"], order["date"], order["note"]) == ("done", "2027-03-15", "Bon n° 42")
    assert (body["status"], body["version"]) == ("ordered", 3)
    response = api["buyer"].send(
        "post", url(managed, "steps/delivery/"), {"version": 3, "status": "in_progress"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 4


def test_a_step_change_is_refused_as_on_the_page(api, tenant, managed):
    for who, status in (("requester", 403), ("finance", 403), ("dispatcher", 403)):
        response = api[who].put(url(managed, "steps/order/"), {"version": 2, "status": "done"})
        assert response.status_code == status and list(response.json()) == ["steps"]
    # A step that is not one of this line's (a works step; no such step).
    for code in ("acceptance", "nope"):
        response = api["expert"].put(
            url(managed, f"steps/{code}/"), {"version": 2, "status": "done"}
        )
        assert response.status_code == 404 and list(response.json()) == ["step"]
    with tenant_context(tenant):
        assert not LineStep.objects.exists()
    # A line and a step, but a GET or a PATCH: not what this URL does.
    assert api["expert"].get(url(managed, "steps/order/")).status_code == 405


# --- bad input: 400 naming the field, never a 500, and nothing changes ---------------------------

# (body, the field the answer names); "version": 2 is added unless the body says otherwise.
BAD_BODIES: list[tuple[object, str]] = [
    ({"public_note": "a\x00b"}, "detail"),
    ({"private_note": "x" * 100_000}, "private_note"),
    ({"public_note": ["a"]}, "public_note"),
    ({"public_note": {"a": 1}}, "public_note"),
    ({"ordered_amount": 10**400}, "ordered_amount"),
    ({"ordered_amount": "1e400"}, "ordered_amount"),
    ({"ordered_amount": "NaN"}, "ordered_amount"),
    ({"ordered_amount": "Infinity"}, "ordered_amount"),
    ({"ordered_amount": "9" * 100_000}, "ordered_amount"),
    ({"ordered_amount": "12.345"}, "ordered_amount"),
    ({"ordered_amount": "-1"}, "ordered_amount"),
    ({"ordered_amount": "999999999999"}, "ordered_amount"),
    ({"ordered_amount": True}, "ordered_amount"),
    ({"ordered_amount": [1]}, "ordered_amount"),
    ({"commissioning_month": "2027-13"}, "commissioning_month"),
    ({"commissioning_month": "2027-03-15"}, "commissioning_month"),
    ({"commissioning_month": "03/2027"}, "commissioning_month"),
    ({"commissioning_month": 202703}, "commissioning_month"),
    ({"commissioning_month": "2001-01"}, "commissioning_month"),
    ({"commissioning_month": "9999-01"}, "commissioning_month"),
    ({"commissioning_month": "x" * 100_000}, "commissioning_month"),
    ({"procedure": "bribe"}, "procedure"),
    ({"procedure": ["local_market"]}, "procedure"),
    ({"procedure": "x" * 100_000}, "procedure"),
    ({"settled": "perhaps"}, "settled"),
    ({"closed": []}, "closed"),
    ({"closed": "x" * 100_000}, "closed"),
    ({"manager": "somebody"}, "manager"),
    ({"manager": 10**400}, "manager"),
    ({"manager": 2**31}, "manager"),
    ({"manager": -1}, "manager"),
    ({"manager": [1]}, "manager"),
    ({"manager": {"id": 1}}, "manager"),
    ({"manager": "9" * 4000}, "manager"),
    ({"manager": "x" * 100_000}, "manager"),
    ({"reason": "x" * 100_000}, "reason"),
    ({"colour": "red"}, "colour"),
    ({"x" * 100_000: 1}, "x" * 80),
    ({"version": 10**400}, "version"),
    ({"version": "two"}, "version"),
    ({"version": None}, "version"),
    ({"version": True}, "version"),
    ({"version": 0}, "version"),
    ({"public_note": "forgot the version", "version": ...}, "version"),
    ([{"version": 2}], "non_field_errors"),
    ('"a string"', "non_field_errors"),
]
RAW_BODIES = {
    "not JSON": "{",
    "huge float": '{"version": 2, "ordered_amount": 1e400}',
    "float version": '{"version": 1e400}',
    "NaN": '{"version": 2, "ordered_amount": NaN}',
    "nested": '{"public_note":' * 5000 + "1" + "}" * 5000,
    "brackets": "[" * 5000 + "]" * 5000,
    "5000 digits": '{"version": ' + "9" * 5000 + "}",
    "null": "null",
    "NUL escape": '{"version": 2, "public_note": "\\u0000"}',
    "NUL key": '{"version": 2, "\\u0000": 1}',
    "empty": "",
}


def _with_version(body: object) -> object:
    if not isinstance(body, dict):
        return body
    if body.get("version") is ...:
        return {k: v for k, v in body.items() if k != "version"}
    return {"version": 2, **body}


@pytest.mark.parametrize(("body", "field"), BAD_BODIES, ids=lambda v: repr(v)[:40])
def test_a_bad_patch_is_refused_naming_the_field(api, tenant, managed, body, field):
    response = api["expert"].patch(url(managed), _with_version(body))
    assert response.status_code == 400, response.content[:300]
    assert field in response.json(), response.content[:300]
    assert len(response.content) < 2000  # a 100,000-character value is not echoed back
    assert fresh(tenant, managed).version == 2


@pytest.mark.parametrize("name", list(RAW_BODIES))
def test_a_body_that_is_no_object_is_refused(api, tenant, managed, name):
    for path in (url(managed), url(managed, "steps/order/")):
        method = "patch" if path == url(managed) else "put"
        response = api["expert"].send(method, path, RAW_BODIES[name])
        assert response.status_code == 400, (path, response.content[:300])
    assert fresh(tenant, managed).version == 2


BAD_STEPS: list[tuple[dict, str]] = [
    ({"status": "finished"}, "status"),
    ({"status": ["done"]}, "status"),
    ({"status": "x" * 100_000}, "status"),
    ({}, "status"),
    ({"status": "done", "date": "2026-02-30"}, "date"),
    ({"status": "done", "date": "31/12/2026"}, "date"),
    ({"status": "done", "date": "1999-12-31"}, "date"),
    ({"status": "done", "date": "9999-12-31"}, "date"),
    ({"status": "done", "date": 10**400}, "date"),
    ({"status": "done", "note": "x" * 100_000}, "note"),
    ({"status": "done", "note": {"a": 1}}, "note"),
    ({"status": "done", "step": "order"}, "step"),
    ({"status": "done", "version": "2; DROP TABLE"}, "version"),
]


@pytest.mark.parametrize(("body", "field"), BAD_STEPS, ids=lambda v: repr(v)[:40])
def test_a_bad_step_change_is_refused_naming_the_field(api, tenant, managed, body, field):
    response = api["expert"].put(url(managed, "steps/order/"), {"version": 2, **body})
    assert response.status_code == 400, response.content[:300]
    assert field in response.json() and len(response.content) < 2000
    with tenant_context(tenant):
        assert not LineStep.objects.exists()


def test_a_form_encoded_body_is_not_read(api, managed):
    response = api["expert"].client.patch(
        f"/api/tenant/v1/{url(managed)}",
        "version=2&public_note=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415


# --- CSRF -------------------------------------------------------------------------------------


def test_a_session_change_without_the_csrf_token_is_refused(tenant, chain, managed):
    client = Client(HTTP_HOST=host_of(tenant), enforce_csrf_checks=True)
    with tenant_context(tenant):
        client.force_login(chain["users"]["expert"])
    path = f"/api/tenant/v1/{url(managed)}"
    body = '{"version": 2, "public_note": "x"}'
    assert client.patch(path, body, content_type="application/json").status_code == 403
    put = f"/api/tenant/v1/{url(managed, 'steps/order/')}"
    step = '{"version": 2, "status": "done"}'
    assert client.put(put, step, content_type="application/json").status_code == 403
    assert fresh(tenant, managed).version == 2
    # With the token the page gives, the same change goes through.
    assert client.get(f"/plan/lines/{managed.pk}/").status_code == 200
    token = client.cookies["csrftoken"].value
    response = client.patch(path, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200, response.content
