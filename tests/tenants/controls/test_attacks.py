"""Attacks on the controls' pages: a requester and a buyer of one UF try every URL and form;
hostile values in the findings' filters and in a finding's forms. Nothing answers 500, nobody
acts outside their role or scope."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.controls.models import FindingState
from tests.fuzzing import HOSTILE, form_on, fuzz
from tests.tenants.controls.test_pages import client, finding, setup  # noqa: F401


def assert_untouched(tenant, item) -> None:
    with tenant_context(tenant):
        item.refresh_from_db()
        assert item.state == FindingState.OPEN and item.assigned_to is None
        assert not item.events.filter(actor__isnull=False).exists()  # the engine's "opened"


FILTERS = ("q", "code", "level", "state", "buyer", "uf", "assigned_to", "page", "sort")


def test_a_requester_reaches_nothing(tenant, setup):  # noqa: F811
    requester = client(tenant, setup, "requester")
    item = finding(tenant, "2026/Z1")
    for url in ("/controls/", "/controls/findings/", f"/controls/findings/{item.pk}/"):
        assert requester.get(url).status_code == 403, url
    act = requester.post(
        f"/controls/findings/{item.pk}/act/",
        {"action": "accept", "version": item.version, "reason": "moi"},
    )
    assert act.status_code == 403
    assert (
        requester.post(
            f"/controls/findings/{item.pk}/act/", {"action": "comment", "text": "x"}
        ).status_code
        == 403
    )
    assert requester.post("/controls/run/").status_code == 403
    assert_untouched(tenant, item)


def test_a_buyer_of_one_uf_neither_sees_nor_touches_another_ufs_finding(tenant, setup):  # noqa: F811
    buyer = client(tenant, setup, "buyer_uf")
    other = finding(tenant, "2026/Z2")
    assert buyer.get(f"/controls/findings/{other.pk}/").status_code == 404
    for fields in (
        {"action": "accept", "version": other.version, "reason": "moi"},
        {"action": "comment", "text": "x"},
        {
            "action": "assign",
            "version": other.version,
            "assigned_to": setup["people"]["buyer_uf"].pk,
        },
    ):
        assert buyer.post(f"/controls/findings/{other.pk}/act/", fields).status_code == 404
    listed = buyer.get("/controls/findings/?q=Z2").content.decode()
    assert f"/controls/findings/{other.pk}/" not in listed
    assert buyer.post("/controls/run/").status_code == 403
    assert_untouched(tenant, other)


def test_unknown_ids_are_not_found(tenant, setup):  # noqa: F811
    reader = client(tenant, setup, "finance")
    for pk in ("0", "99999999999999999999"):
        assert reader.get(f"/controls/findings/{pk}/").status_code == 404
        assert (
            reader.post(f"/controls/findings/{pk}/act/", {"action": "comment"}).status_code == 404
        )


@pytest.mark.parametrize("name", FILTERS)
def test_hostile_filters_never_answer_500(tenant, setup, name):  # noqa: F811
    reader = client(tenant, setup, "buyer_uf")
    for value in HOSTILE:
        response = reader.get("/controls/findings/", {name: value})
        assert response.status_code < 500, (name, repr(value[:20]))
    assert reader.get("/controls/findings/", {name: ["a", "b" * 300]}).status_code < 500


@pytest.mark.parametrize("action", ["assign", "comment", "accept", "reopen"])
def test_hostile_posts_on_a_findings_forms_never_answer_500(tenant, setup, action):  # noqa: F811
    owner = client(tenant, setup, "buyer")
    item = finding(tenant, "2026/Z1")
    url = f"/controls/findings/{item.pk}/act/"
    if action == "reopen":
        owner.post(url, {"action": "accept", "version": item.version, "reason": "Don"})
    page = owner.get(f"/controls/findings/{item.pk}/").content.decode()
    base = form_on(page, "/act/")  # the assign form, the page's first
    assert base["action"] == "assign"
    base = {
        "assign": base,
        "comment": {"action": "comment", "text": "Vu"},
        "accept": {"action": "accept", "version": base["version"], "reason": "Don"},
        "reopen": {"action": "reopen", "version": base["version"], "reason": "Plus vrai"},
    }[action]

    def fresh() -> dict[str, str]:
        with tenant_context(tenant):
            item.refresh_from_db()
        return {**base, "version": str(item.version)} if "version" in base else base

    fuzz(owner, url, base, fresh=fresh)
