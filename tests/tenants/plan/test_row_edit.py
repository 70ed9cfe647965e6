"""The current step changed in a list's row with htmx: the answer is the row alone, as the
list shows it, with what was done for the list's status region; a refusal keeps what was
typed and says why under the select it describes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django_tenants.utils import tenant_context

from tenants.access.models import Role, RoleGrant, ScopeKind
from tenants.plan import services
from tenants.plan.models import LineStep, PlanLine, StepDefinition
from tests.conftest import client_for, host_of

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://x/plan/managed/"}


@pytest.fixture
def managed(tenant, chain, line) -> PlanLine:  # type: ignore[no-untyped-def]
    u = chain["users"]
    with tenant_context(tenant):
        return services.assign_manager(line, u["expert"], by=u["dispatcher"])


def steps(tenant, *codes: str) -> list[StepDefinition]:  # type: ignore[no-untyped-def]
    with tenant_context(tenant):
        return [StepDefinition.objects.get(nature="equipment", code=code) for code in codes]


def version(tenant, line: PlanLine) -> int:  # type: ignore[no-untyped-def]
    with tenant_context(tenant):
        return PlanLine.objects.get(pk=line.pk).version


def row_post(client, line: PlanLine, step: Any, status: Any, version: Any, **extra: Any):  # type: ignore[no-untyped-def]
    data = {
        "action": "step",
        "step": step,
        "version": version,
        f"step-{step}-status": status,
        "next": "/plan/managed/?q=PLN",
        **extra,
    }
    return client.post(f"/plan/lines/{line.pk}/act/", data, **HTMX)


def the_row(html: str) -> str:
    found = re.match(r"\s*(<tr[ >].*?</tr>)", html, re.S)
    assert found, html[:500]
    return found[1]


def announced(html: str) -> str:
    found = re.search(r'<div hx-swap-oob="innerHTML:#list-status">(.*?)</div>', html, re.S)
    assert found, html[-500:]
    return found[1]


def test_the_answer_is_the_row_with_the_next_step_and_the_new_version(web, tenant, managed):
    need, trials = steps(tenant, "need", "trials")
    response = row_post(web["expert"], managed, need.pk, "done", managed.version)
    assert response.status_code == 200
    html = response.content.decode()
    row = the_row(html)
    # The row alone (no page around it), as the list shows it, now offering the next step,
    # with the line's new version and the list it goes back to without JavaScript.
    assert "<html" not in html and "<table" not in html and "{#" not in html
    assert managed.reference in row and f'name="step" value="{trials.pk}"' in row
    assert f'name="version" value="{managed.version + 1}"' in row
    assert 'name="next" value="/plan/managed/?q=PLN"' in row
    assert 'hx-target="closest tr"' in row and 'id="row-' in row
    assert "aria-invalid" not in row
    n = "\u00a0"
    assert announced(html) == (
        f"{managed.reference}{n}: étape «{n}Besoin défini{n}» passée à «{n}Faite{n}»{n}; "
        f"étape suivante{n}: «{n}Essais{n}»"
    )
    with tenant_context(tenant):
        assert LineStep.objects.get(line=managed, definition=need).status == "done"
    # A second change from the same row, with the version it now holds, goes through.
    second = row_post(web["expert"], managed, trials.pk, "in_progress", managed.version + 1)
    assert second.status_code == 200
    assert "passée à «\u00a0En cours\u00a0»" in announced(second.content.decode())
    assert version(tenant, managed) == managed.version + 2


def test_a_stale_version_is_refused_and_the_row_shows_the_line_as_it_is_now(
    web, tenant, chain, managed
):
    need, trials = steps(tenant, "need", "trials")
    seen = managed.version
    with tenant_context(tenant):  # someone else moves the line on meanwhile
        services.set_step_status(managed, need, status="done", by=chain["users"]["expert"])
    response = row_post(web["expert"], managed, need.pk, "blocked", seen)
    assert response.status_code == 409
    html = response.content.decode()
    row = the_row(html)
    now = version(tenant, managed)
    assert now == seen + 1
    assert f'name="version" value="{now}"' in row  # saving again is deliberate
    assert f'name="step" value="{trials.pk}"' in row  # the step it stands at now
    message = re.search(r'<div[^>]*id="(row-\d+-error)"[^>]*>(.*?)</div>', row, re.S)
    assert message and "quelqu\u2019un a modifié cette ligne entre-temps" in message[2]
    assert f'aria-describedby="{message[1]}"' in row and 'aria-invalid="true"' in row
    assert message[2].strip() == announced(html)
    with tenant_context(tenant):
        assert LineStep.objects.get(line=managed, definition=need).status == "done"


def test_a_refused_status_keeps_what_was_typed_and_names_the_field(web, tenant, managed):
    (need,) = steps(tenant, "need")
    # The status typed is kept when the change is refused for the version.
    response = row_post(web["expert"], managed, need.pk, "waiting", "abc")
    assert response.status_code == 400
    row = the_row(response.content.decode())
    assert '<option value="waiting" selected>' in row
    assert "Statut de l\u2019étape Besoin défini de " in row
    # Not a status: said, and nothing changed.
    response = row_post(web["expert"], managed, need.pk, "finished", managed.version)
    assert response.status_code == 400
    row = the_row(response.content.decode())
    assert "n\u2019est pas un état d\u2019étape" in row and 'aria-invalid="true"' in row
    assert version(tenant, managed) == managed.version


@pytest.mark.parametrize(
    "field, value",
    [
        ("status", "do\x00ne"),
        ("status", "x" * 100_000),
        ("step", "1\x002"),
        ("step", "9" * 50),
        ("version", "\x00"),
        ("version", "9" * 5000),
        ("next", "/plan/\x00managed/"),
        ("next", "/" + "a" * 100_000),
    ],
)
def test_nul_bytes_and_huge_values_are_refused_in_the_row_never_a_500(
    web, tenant, managed, field, value
):
    (need,) = steps(tenant, "need")
    data = {"status": "done", "step": need.pk, "version": managed.version}
    extra = {}
    if field == "next":
        extra["next"] = value
    else:
        data[field] = value
    response = row_post(
        web["expert"], managed, data["step"], data["status"], data["version"], **extra
    )
    if field == "next" and "\x00" not in value:  # only where it goes back to: made
        assert response.status_code == 200
        assert 'name="next" value="/plan/managed/"' in the_row(response.content.decode())
    else:
        assert response.status_code == 400
        assert "\x00" not in response.content.decode()
        assert version(tenant, managed) == managed.version
    assert len(response.content) < 50_000


def test_another_role_is_refused_in_the_row(web, tenant, chain, managed):
    (need,) = steps(tenant, "need")
    # Finance follows the plan but changes no step: the row comes back, without the form,
    # saying why.
    finance = client_for(host_of(tenant), chain["users"]["finance"], tenant)
    response = row_post(finance, managed, need.pk, "done", managed.version)
    assert response.status_code == 403
    html = response.content.decode()
    # (Finance's columns have no step to change: the reason is said in the status region.)
    assert "data-step-in-row" not in the_row(html)
    assert "vous ne pouvez pas modifier cela sur cette ligne" in announced(html)
    # A requester sees the line on their own list only: no team's row to send back.
    response = row_post(web["requester"], managed, need.pk, "done", managed.version)
    assert response.status_code == 403 and "<tr" not in response.content.decode()
    assert version(tenant, managed) == managed.version


def test_a_line_the_expert_does_not_manage_is_refused(web, tenant, chain, managed, make_user):
    (need,) = steps(tenant, "need")
    other = make_user(tenant, full_name="Autre expert")
    with tenant_context(tenant):
        RoleGrant.objects.create(
            user=other, role=Role.EXPERT, scope=ScopeKind.DOMAIN, domain=chain["biomedical"]
        )
    client = client_for(host_of(tenant), other, tenant)
    response = row_post(client, managed, need.pk, "done", managed.version)
    assert response.status_code == 403
    assert "vous ne pouvez pas modifier cela" in response.content.decode()
    # An expert of another domain does not even see it.
    response = row_post(web["imaging_expert"], managed, need.pk, "done", managed.version)
    assert response.status_code == 404
    assert version(tenant, managed) == managed.version


def test_without_htmx_the_plain_form_still_redirects_to_the_list(web, tenant, managed):
    (need,) = steps(tenant, "need")
    response = web["expert"].post(
        f"/plan/lines/{managed.pk}/act/",
        {
            "action": "step",
            "step": need.pk,
            "version": managed.version,
            f"step-{need.pk}-status": "done",
            "next": "/plan/managed/",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/plan/managed/"


def test_the_row_of_the_teams_list_keeps_its_columns(web, tenant, managed):
    (need,) = steps(tenant, "need")
    web["expert"].post("/lists/plan.lines/sets/", {"set": "follow_up", "next": "/plan/"})
    response = row_post(web["expert"], managed, need.pk, "done", managed.version, next="/plan/")
    assert response.status_code == 200
    row = the_row(response.content.decode())
    listed = web["expert"].get("/plan/").content.decode()
    assert "{#" not in listed  # no template comment left in the page's text
    # The same cells as the list's row: the manager's column is in the team's follow-up set.
    assert row.count("<td") == re.search(r"<tbody[^>]*>\s*(<tr.*?</tr>)", listed, re.S)[1].count(
        "<td"
    )
    assert "expert" in row and 'name="next" value="/plan/"' in row
