"""The engine: findings open, close by themselves, reopen, and stay accepted while their data
stay as they were."""

from __future__ import annotations

import pytest
from django.utils import translation
from django_tenants.utils import tenant_context

from tenants.access.models import Role
from tenants.access.permissions import Action
from tenants.controls import services
from tenants.controls.engine import run_checks
from tenants.controls.models import ControlRun, Finding, FindingEvent, Level
from tenants.controls.registry import Check, Found

WORLD: dict[str, dict] = {}


def make_check(code: str = "TEST-WORLD", fail: bool = False) -> Check:
    def find():
        if fail:
            raise RuntimeError("broken check")
        return [Found(key, data) for key, data in WORLD.items()]

    return Check(
        code=code,
        level=Level.MAJOR,
        title="World",
        message=lambda d: f"{d['what']} is wrong",
        find=find,
        action=Action.VIEW_FINANCE,
        owner=Role.FINANCE,
    )


@pytest.fixture
def in_tenant(tenant):
    WORLD.clear()
    with tenant_context(tenant):
        yield


def states() -> dict[str, str]:
    return dict(Finding.objects.values_list("key", "state"))


def test_findings_open_close_and_reopen_with_their_cause(in_tenant):
    check = make_check()
    WORLD.update({"a": {"what": "A"}, "b": {"what": "B"}})
    report = run_checks([check])
    assert (report.opened, report.closed) == (2, 0)
    assert states() == {"a": "open", "b": "open"}
    del WORLD["a"]
    report = run_checks([check])
    assert (report.opened, report.closed, report.reopened) == (0, 1, 0)
    assert states() == {"a": "closed", "b": "open"}
    WORLD["a"] = {"what": "A"}
    assert run_checks([check]).reopened == 1 and states()["a"] == "open"
    actions = list(FindingEvent.objects.filter(finding__key="a").values_list("action", flat=True))
    assert actions == ["opened", "closed", "reopened"]
    assert ControlRun.objects.count() == 3


def test_an_accepted_finding_stays_accepted_until_its_data_change(in_tenant, make_user, tenant):
    from tenants.access.models import ScopeKind
    from tenants.access.services import grant_role

    person = make_user(tenant)
    grant_role(person, Role.FINANCE, ScopeKind.TENANT, by="test")
    check = make_check()
    WORLD["a"] = {"what": "A", "amount": "10.00"}
    run_checks([check])
    finding = Finding.objects.get()
    from tenants.controls import registry

    registry.register(check)
    try:
        finding = services.accept(finding, "contrat cadre", by=person)
        run_checks([check])
        assert states() == {"a": "accepted"}
        WORLD["a"] = {"what": "A", "amount": "12.00"}
        run_checks([check])
        assert states() == {"a": "open"}
    finally:
        registry._CHECKS.pop(check.code, None)


def test_a_failing_check_leaves_its_findings_and_the_others_run(in_tenant):
    WORLD["a"] = {"what": "A"}
    run_checks([make_check("TEST-ONE")])
    report = run_checks([make_check("TEST-ONE", fail=True), make_check("TEST-TWO")])
    assert report.failed == ["TEST-ONE"]
    assert dict(Finding.objects.values_list("code", "state")) == {
        "TEST-ONE": "open",
        "TEST-TWO": "open",
    }


def test_a_message_is_written_when_read_in_the_readers_language(in_tenant):
    from tenants.controls.tables import message_of

    WORLD["a"] = {"what": "A"}
    run_checks([make_check()])
    with translation.override("fr"):
        # An unknown check (removed since) shows the key rather than failing.
        assert message_of(Finding.objects.get()) == "a"


def test_a_form_drawn_before_the_run_changed_the_data_is_stale(in_tenant, make_user, tenant):
    # A person opens the finding, the next import changes its data: accepting the page they
    # read would accept data they never saw.
    from tenants.access.models import ScopeKind
    from tenants.access.services import grant_role

    person = make_user(tenant)
    grant_role(person, Role.FINANCE, ScopeKind.TENANT, by="test")
    check = make_check()
    WORLD.update({"a": {"what": "A", "amount": "10.00"}, "b": {"what": "B"}})
    run_checks([check])
    read = dict(Finding.objects.values_list("key", "version"))
    WORLD["a"] = {"what": "A", "amount": "12.00"}
    del WORLD["b"]
    run_checks([check])
    now = dict(Finding.objects.values_list("key", "version"))
    assert now["a"] > read["a"] and now["b"] > read["b"]
    from tenants.controls import registry

    registry.register(check)
    try:
        with pytest.raises(services.Refused) as refused:
            services.accept(
                Finding.objects.get(key="a"), "vu", by=person, expected_version=read["a"]
            )
        assert refused.value.status == 409
        WORLD["b"] = {"what": "B"}
        run_checks([check])  # reopened
        assert Finding.objects.get(key="b").version > now["b"]
    finally:
        registry._CHECKS.pop(check.code, None)
