"""The equipment plan's follow-up tried as an attacker would: what one who may only see a
line learns of its private side, what another tenant's ids reach, what junk does."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.plan import services
from tenants.plan.models import PlanLine
from tests.api.tenant.conftest import API, fresh
from tests.conftest import client_for, host_of
from tests.tenants.plan.conftest import line  # noqa: F401 -- fixture

LINES = "/api/tenant/v1/plan/lines/"


@pytest.fixture
def api(tenant, chain, line):  # type: ignore[no-untyped-def]  # noqa: F811
    people = {**chain["users"], "admin": chain["admin"]}
    return {name: API(client_for(host_of(tenant), user, tenant)) for name, user in people.items()}


@pytest.fixture
def followed(tenant, chain, line) -> PlanLine:  # type: ignore[no-untyped-def]  # noqa: F811
    """The line managed by the expert, with its private side filled in."""
    u = chain["users"]
    with tenant_context(tenant):
        line = services.assign_manager(line, u["expert"], by=u["dispatcher"])
        return services.update_line(
            line,
            {
                "procedure": "central_market",
                "estimated_amount": "26000",
                "ordered_amount": "24000",
                "private_note": "Remise 12 %",
            },
            by=u["expert"],
        )


@pytest.mark.parametrize(
    "field,right,wrong",
    [
        ("procedure", "central_market", "local_market"),
        ("estimated_amount", "26000", "25000"),
        ("ordered_amount", "24000.00", "1"),
        ("private_note", "Remise 12 %", "Remise 10 %"),
    ],
)
@pytest.mark.parametrize("who", ["requester", "pole_head", "commission"])
def test_one_who_may_not_read_a_private_field_cannot_guess_it_by_patching_it(
    api, tenant, followed, who, field, right, wrong
):
    """A PATCH sending a field's current value changes nothing and needs no right: if the
    person may not read the field, the answer must not tell a right guess from a wrong one."""
    body = api[who].get(f"plan/lines/{followed.pk}/").json()
    assert field not in body
    answers = {
        guess: api[who].patch(
            f"plan/lines/{followed.pk}/", {"version": body["version"], field: guess}
        )
        for guess in (right, wrong)
    }
    assert answers[right].status_code == answers[wrong].status_code == 403, {
        g: (a.status_code, a.content[:200]) for g, a in answers.items()
    }
    assert fresh(tenant, followed).version == body["version"]


V = object()  # the line's current version, put in each body


def _at(bodies, version):  # type: ignore[no-untyped-def]
    return [
        {k: version if v is V else v for k, v in body.items()} if isinstance(body, dict) else body
        for body in bodies
    ]


JUNK_BODIES = [
    [],
    "null",
    {"version": None, "public_note": "x"},
    {"version": [2], "public_note": "x"},
    {"version": {"a": 1}, "public_note": "x"},
    {"version": 2**63, "public_note": "x"},
    {"version": -1, "public_note": "x"},
    {"version": V, "public_note": None},
    {"version": V, "public_note": ["a"]},
    {"version": V, "public_note": {"a": "b"}},
    {"version": V, "public_note": "a\x00b"},
    {"version": V, "public_note": "x" * 6000},
    {"version": V, "estimated_amount": "NaN"},
    {"version": V, "estimated_amount": "Infinity"},
    {"version": V, "estimated_amount": "-Infinity"},
    {"version": V, "estimated_amount": "1e999"},
    {"version": V, "estimated_amount": str(2**63)},
    {"version": V, "estimated_amount": 2**63},
    {"version": V, "estimated_amount": -1},
    {"version": V, "estimated_amount": "-0.01"},
    {"version": V, "estimated_amount": [1]},
    {"version": V, "estimated_amount": True},
    {"version": V, "estimated_amount": "9" * 5000},
    {"version": V, "commissioning_month": "0000-01"},
    {"version": V, "commissioning_month": "9999-12"},
    {"version": V, "commissioning_month": "2027-02-31"},
    {"version": V, "commissioning_month": "2027-13"},
    {"version": V, "commissioning_month": 202703},
    {"version": V, "commissioning_month": ["2027-03"]},
    {"version": V, "commissioning_month": "\uff12\uff10\uff12\uff17-\uff10\uff13"},
    {"version": V, "commissioning_month": "2027-03\n"},
    {"version": V, "commissioning_month": "\u0662\u0660\u0662\u0667-\u0660\u0663"},
    {"version": V, "commissioning_month": "2001-01"},
    {"version": V, "procedure": ["central_market"]},
    {"version": V, "procedure": "x" * 100000},
    {"version": V, "manager": 2**63},
    {"version": V, "manager": -1},
    {"version": V, "manager": "me"},
    {"version": V, "manager": [1]},
    {"version": V, "manager": {"id": 1}},
    {"version": V, "manager": True},
    {"version": V, "settled": "yes please"},
    {"version": V, "closed": False, "reason": "x"},
    {"version": V, "reason": "a\x00b"},
    {"version": V, "order_number": "X"},
    {"version": V, "__proto__": {"a": 1}},
    {"version": V, "x" * 100000: 1},
]


def test_junk_in_a_patch_is_a_4xx_and_changes_nothing(api, tenant, followed):
    before = fresh(tenant, followed)
    for body in _at(JUNK_BODIES, before.version):
        response = api["expert"].patch(f"plan/lines/{followed.pk}/", body)
        assert response.status_code in (400, 403, 409), (
            body if len(str(body)) < 200 else "...",
            response.status_code,
            response.content[:300],
        )
        assert len(response.content) < 20000, str(body)[:80]
    after = fresh(tenant, followed)
    assert after.version == before.version


JUNK_STEPS = [
    {"version": V, "status": "done", "date": "0000-01-01"},
    {"version": V, "status": "done", "date": "0001-01-01"},
    {"version": V, "status": "done", "date": "9999-12-31"},
    {"version": V, "status": "done", "date": "2026-02-31"},
    {"version": V, "status": "done", "date": 20260101},
    {"version": V, "status": "done", "date": ["2026-01-01"]},
    {"version": V, "status": "done", "note": "a\x00b"},
    {"version": V, "status": "done", "note": None},
    {"version": V, "status": ["done"]},
    {"version": V, "status": None},
    {"version": 2**63, "status": "done"},
]


def test_junk_in_a_step_is_a_4xx(api, tenant, followed):
    for body in _at(JUNK_STEPS, followed.version):
        response = api["expert"].put(f"plan/lines/{followed.pk}/steps/order/", body)
        assert response.status_code in (400, 403, 409), (
            body,
            response.status_code,
            response.content[:300],
        )
    for code in ("x" * 5000, "order\x00", "%00", "..%2F"):
        response = api["expert"].put(
            f"plan/lines/{followed.pk}/steps/{code}/",
            {"version": followed.version, "status": "done"},
        )
        assert response.status_code in (400, 404), (code[:20], response.status_code)
    assert fresh(tenant, followed).version == followed.version


def test_junk_in_the_api_list_query_is_a_400(api, followed):
    for params in (
        {"year": "1e999"},
        {"year": "NaN"},
        {"manager": "9" * 30},
        {"manager": "-1"},
        {"manager": "\u0661"},
        {"closed": "maybe"},
        {"q": "a\x00b"},
        {"q": "x" * 1000},
        {"page": "0"},
        {"page": str(2**63)},
        {"page_size": "100000"},
        {"page_size": "-5"},
        {"ordering": "private_note"},
    ):
        response = api["requester"].client.get(LINES, params)
        assert response.status_code in (200, 400, 404), (params, response.status_code)
        assert b"Remise" not in response.content
        assert b"ordered_amount" not in response.content


EVIL = (
    '<script>alert(1)</script>=cmd|" /C calc"!A0\r\nBEGIN:VEVENT\r\nSUMMARY:injected\r\nEND:VEVENT'
)


def test_a_title_with_markup_line_breaks_and_a_formula_stays_text_everywhere(
    web, tenant, chain, followed
):
    from io import BytesIO

    from icalendar import Calendar
    from openpyxl import load_workbook

    from tenants.plan import calendar

    u = chain["users"]
    with tenant_context(tenant):
        PlanLine.objects.filter(pk=followed.pk).update(title=EVIL, public_note=EVIL)
        services.update_line(
            PlanLine.objects.get(pk=followed.pk),
            {"commissioning_month": __import__("datetime").date(2099, 3, 1)},
            by=u["expert"],
        )
        token = calendar.new_feed(u["expert"])
    for who, path in (
        ("expert", f"/plan/lines/{followed.pk}/"),
        ("expert", "/plan/"),
        ("expert", "/plan/managed/"),
        ("expert", "/plan/schedule/"),
        ("requester", "/plan/followed/"),
        ("requester", f"/plan/lines/{followed.pk}/"),
    ):
        response = web[who].get(path)
        assert response.status_code == 200, path
        assert b"<script>alert(1)" not in response.content, path
    response = web["expert"].get("/plan/", {"export": "xlsx"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(BytesIO(body)).active
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.value
    feed = web["expert"].get(f"/plan/calendar/{token}.ics")
    assert feed.status_code == 200
    parsed = Calendar.from_ical(feed.content)
    events = [c for c in parsed.walk() if c.name == "VEVENT"]
    assert len(events) == 1
    assert "injected" not in [str(e.get("summary")) for e in events]
    # The feed holds no amount nor private note.
    with tenant_context(tenant):
        for private in (b"Remise", b"24000", b"24 000", b"26000", b"26 000", b"25000"):
            assert private not in feed.content, private


def test_the_next_address_after_a_change_never_leaves_the_site(web, tenant, chain, followed):
    for back in (
        "//evil.example/",
        "https://evil.example/plan/",
        "/\\evil.example",
        "\\\\evil.example",
        "http:/evil.example",
        " //evil.example",
        "javascript:alert(1)",
    ):
        response = web["expert"].post(
            f"/plan/lines/{followed.pk}/act/",
            {
                "action": "line",
                "version": fresh(tenant, followed).version,
                "public_note": back,
                "next": back,
            },
        )
        assert response.status_code == 302, back
        location = response["Location"]
        assert "evil" not in location and "javascript" not in location, (back, location)


@pytest.mark.parametrize(
    "who", ["requester", "pole_head", "commission", "imaging_expert", "manager", "other_head"]
)
def test_no_action_of_the_line_page_is_open_to_who_has_no_role_on_the_line(
    web, tenant, chain, followed, who
):
    version = followed.version
    step = __import__("tenants.plan.steps", fromlist=["definitions"]).definitions(followed.nature)
    with tenant_context(tenant):
        step_pk = step.first().pk
    for data in (
        {"action": "manager", "manager": chain["users"]["imaging_expert"].pk},
        {"action": "manager", "manager": ""},
        {"action": "step", "step": step_pk, f"step-{step_pk}-status": "done"},
        {"action": "settle"},
        {"action": "unsettle"},
        {"action": "close"},
        {"action": "reopen", "reason": "x"},
    ):
        response = web[who].post(f"/plan/lines/{followed.pk}/act/", {**data, "version": version})
        assert response.status_code in (400, 403, 404, 409), (who, data, response.status_code)
        if who != "manager":  # management follows the plan: it reads the private note
            assert b"Remise" not in response.content
    assert fresh(tenant, followed).version == version


@pytest.mark.parametrize("who", ["requester", "commission"])
def test_a_forged_line_form_of_a_person_without_rights_is_refused(
    web, tenant, chain, followed, who
):
    for data in (
        {"public_note": "x"},
        {"private_note": "Remise 12 %"},
        {"ordered_amount": "24000,00"},
    ):
        response = web[who].post(
            f"/plan/lines/{followed.pk}/act/",
            {"action": "line", **data, "version": followed.version},
        )
        assert fresh(tenant, followed).version == followed.version
        assert response.status_code == 403, (who, data, response.status_code)


def test_a_line_form_sending_a_field_it_does_not_offer_is_refused_naming_why(
    api, web, tenant, chain, followed
):
    """The buyer's form has no public note; a settled line's manager has no amounts."""
    response = api["buyer"].client.post(
        f"/plan/lines/{followed.pk}/act/",
        {"action": "line", "public_note": "x", "order_number": "C-1", "version": followed.version},
    )
    assert response.status_code == 403
    assert fresh(tenant, followed).order_number == ""
    with tenant_context(tenant):
        line = services.set_settled(followed, True, by=chain["users"]["expert"])
    response = web["expert"].post(
        f"/plan/lines/{followed.pk}/act/",
        {"action": "line", "estimated_amount": "1", "version": line.version},
    )
    assert response.status_code == 409
    assert "soldée" in response.content.decode()
    assert fresh(tenant, followed).estimated_amount == 26000


def test_reminders_reach_no_manager_who_lost_the_grant(tenant, chain, followed):
    import datetime

    from django.utils import timezone

    from tenants.access.models import Role, RoleGrant, ScopeKind
    from tenants.notifications.models import Notification
    from tenants.plan import reminders

    u = chain["users"]
    with tenant_context(tenant):
        PlanLine.objects.filter(pk=followed.pk).update(
            created=timezone.now() - datetime.timedelta(days=30)
        )
        RoleGrant.objects.filter(user=u["expert"]).delete()
        assert reminders.send_reminders() == 0
        reminded = Notification.objects.filter(
            recipient=u["expert"], url=followed.get_absolute_url()
        )
        assert not reminded.exists()
        # Given back the grant, they are reminded.
        RoleGrant.objects.create(
            user=u["expert"], role=Role.EXPERT, scope=ScopeKind.DOMAIN, domain=chain["biomedical"]
        )
        user = type(u["expert"]).objects.get(pk=u["expert"].pk)
        assert user.pk == followed.manager_id
        assert reminders.send_reminders() == 1
        assert reminded.exists()


def test_step_and_calendar_settings_refuse_junk_and_strangers(web, tenant, chain):
    from tenants.plan.models import StepDefinition

    with tenant_context(tenant):
        step = StepDefinition.objects.filter(nature="equipment").first()
        before = list(StepDefinition.objects.values_list("pk", "label", "hidden", "position"))
    for who in ("requester", "expert", "dispatcher", "manager", "commission"):
        for data in (
            {"action": "add", "nature": "equipment", "add-equipment-label": "Pirate"},
            {"action": "hide", "step": step.pk},
            {"action": "up", "step": step.pk},
        ):
            assert web[who].post("/plan/steps/act/", data).status_code in (403, 404), (who, data)
    for data in (
        {"action": "add", "nature": "x\x00", "add-x\x00-label": "Ok"},
        {"action": "add", "nature": "equipment", "add-equipment-label": "a\x00b"},
        {"action": "add", "nature": "equipment", "add-equipment-label": "x" * 100000},
        {"action": "add", "nature": "nope", "add-nope-label": "Ok"},
        {"action": "rename", "step": step.pk, f"step-{step.pk}-label": "a\x00b"},
        {"action": "rename", "step": "9" * 30},
        {"action": "hide", "step": "-1"},
        {"action": "hide", "step": "\u0661"},
        {"action": "explode", "step": step.pk},
    ):
        response = web["admin"].post("/plan/steps/act/", data)
        assert response.status_code in (400, 403, 404, 409), (data, response.status_code)
    with tenant_context(tenant):
        after = list(StepDefinition.objects.values_list("pk", "label", "hidden", "position"))
    assert after == before
    for who, data in (
        ("requester", {"action": "reminders", "no_month_after_days": "0"}),
        ("expert", {"action": "reminders", "no_month_after_days": "7\x00"}),
        ("expert", {"action": "reminders", "no_month_after_days": "99999999999999999999"}),
        ("expert", {"action": "reminders", "no_month_after_days": "-1"}),
        ("expert", {"action": "reminders", "no_month_after_days": "1e999"}),
        ("expert", {"action": "x" * 10000}),
    ):
        response = web[who].post("/plan/calendar/", data)
        assert response.status_code == 400, (who, data, response.status_code)


def test_list_parameters_and_column_choices_of_junk_are_harmless(web, followed):
    for who, path in (
        ("expert", "/plan/"),
        ("expert", "/plan/managed/"),
        ("requester", "/plan/followed/"),
    ):
        for params in (
            {"sort": "private_note"},
            {"sort": "-" * 5000},
            {"page": "9" * 50},
            {"page_size": "1000000"},
            {"per_page": "-1"},
            {"year": "1e999"},
            {"year": "NaN"},
            {"year": str(2**63)},
            {"commissioning": "02/0000"},
            {"commissioning": "31/02/2026"},
            {"manager": "9" * 30},
            {"campaign": "-1"},
            {"envelope": "x\x00"},
            {"q": "\x00"},
            {"columns": ["private_note", "nope", "x" * 1000]},
            {"export": "xlsx", "columns": "nope"},
        ):
            response = web[who].get(path, params)
            assert response.status_code in (200, 302, 400), (
                who,
                path,
                params,
                response.status_code,
            )
            if who == "requester" and response.status_code == 200 and not response.streaming:
                assert b"Remise" not in response.content
    response = web["requester"].post(
        "/lists/plan.followed/columns/",
        {"columns": ["private_note", "ordered_amount", "nope"], "next": "/plan/followed/"},
    )
    assert response.status_code in (302, 400)
    page = web["requester"].get("/plan/followed/")
    assert b"Remise" not in page.content and "24\u00a0000" not in page.content.decode()
    export = web["requester"].get("/plan/followed/", {"export": "xlsx"})
    body = b"".join(export.streaming_content) if export.streaming else export.content
    from io import BytesIO

    from openpyxl import load_workbook

    values = [
        str(c.value)
        for row in load_workbook(BytesIO(body)).active.iter_rows()
        for c in row
        if c.value is not None
    ]
    assert not any("Remise" in v or "24000" in v for v in values), values


def test_tenant_b_lines_are_out_of_reach_of_tenant_a_writes(
    api, web, tenant, other_tenant, chain, followed
):
    from tests.conftest import B_MARKER

    with tenant_context(other_tenant):
        b_line = PlanLine.objects.get(title__contains=B_MARKER)
        b_before = (b_line.version, b_line.public_note, b_line.manager_id)
    for who in ("expert", "admin", "dispatcher"):
        response = api[who].patch(
            f"plan/lines/{b_line.pk}/", {"version": b_line.version, "public_note": "from A"}
        )
        assert B_MARKER.encode() not in response.content
        response = web[who].post(
            f"/plan/lines/{b_line.pk}/act/",
            {"action": "line", "version": b_line.version, "public_note": "from A"},
        )
        assert B_MARKER.encode() not in response.content
    # Tenant A's session on tenant B's host opens nothing.
    from django.test import Client

    intruder = Client(HTTP_HOST=host_of(other_tenant))
    intruder.cookies = web["admin"].cookies
    assert intruder.get(f"/api/tenant/v1/plan/lines/{b_line.pk}/").status_code in (
        302,
        401,
        403,
        404,
    )
    assert intruder.post(
        f"/plan/lines/{b_line.pk}/act/", {"action": "close", "version": b_line.version}
    ).status_code in (302, 403, 404)
    with tenant_context(other_tenant):
        b_line.refresh_from_db()
        assert (b_line.version, b_line.public_note, b_line.manager_id) == b_before


def test_an_expert_price_of_junk_is_refused_short_and_only_to_the_expert(web, tenant, chain):
    from tenants.requests import workflow
    from tenants.requests.models import EquipmentRequest

    u = chain["users"]
    with tenant_context(tenant):
        request = workflow.submit(chain["request"], by=u["requester"])
        request = workflow.give_pole_opinion(request, by=u["pole_head"], favourable=True)
        request = workflow.dispatch(request, by=u["dispatcher"], domain=chain["biomedical"])
        part = request.parts.get()
    huge = "9x" * 500_000
    for who in ("requester", "pole_head", "commission", "imaging_expert", "expert"):
        response = web[who].post(
            f"{request.get_absolute_url()}act/",
            {
                "action": "expertise",
                "favourable": "1",
                "version": request.version,
                f"part-{part.pk}-price": huge,
            },
        )
        assert response.status_code in (400, 403, 404), (who, response.status_code)
        if who == "expert":
            # The message quotes it short (the field keeps what was typed, for the expert).
            assert "9x" * 20 + "…" in response.content.decode()
        else:
            assert len(response.content) < 200_000, who
            # Who may not give the opinion is told so, not what is wrong with the price.
            assert "9x9x9x" not in response.content.decode(), who
    with tenant_context(tenant):
        fresh_request = EquipmentRequest.objects.get(pk=request.pk)
        assert fresh_request.version == request.version
        assert fresh_request.parts.get().expert_unit_price is None
