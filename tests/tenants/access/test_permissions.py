import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django_tenants.utils import tenant_context

from tenants.access.models import ExpertiseDomain, Role, ScopeKind
from tenants.access.permissions import Action, ScopePath, has_permission, require
from tenants.access.services import GrantRefused, grant_role
from tenants.structure.models import Establishment, FunctionalUnit, Pole, Service


@pytest.fixture
def structure(tenant):
    """Two establishments; the first with two pôles, each with a service and an UF."""
    with tenant_context(tenant):
        first = Establishment.objects.get(finess="800000259")
        second = Establishment.objects.create(
            name="Site 2",
            finess="800000051",
            legal_entity_name="A",
            legal_entity_finess="800000044",
        )
        units = {}
        for code in ("P1", "P2"):
            pole = Pole.objects.create(establishment=first, code=code, name=f"Pôle {code}")
            service = Service.objects.create(pole=pole, code=f"S{code}", name=f"Service {code}")
            units[code] = FunctionalUnit.objects.create(
                service=service, code=f"U{code}", name=f"UF {code}"
            )
        yield SimpleNamespace(
            first=first,
            second=second,
            units=units,
            p1=units["P1"].service.pole,
            p2=units["P2"].service.pole,
        )


@pytest.fixture
def in_tenant(tenant):
    with tenant_context(tenant):
        yield


def test_a_grant_on_an_establishment_covers_its_poles_and_uf_only(
    tenant, in_tenant, structure, make_user
):
    user = make_user(tenant)
    grant_role(user, Role.VIEWER, ScopeKind.ESTABLISHMENT, structure.first, by="test")
    assert has_permission(user, Action.VIEW_STRUCTURE, structure.first)
    assert has_permission(user, Action.VIEW_STRUCTURE, structure.p2)
    assert has_permission(user, Action.VIEW_STRUCTURE, structure.units["P1"])
    assert not has_permission(user, Action.VIEW_STRUCTURE, structure.second)


def test_a_grant_on_a_pole_does_not_reach_the_neighbouring_pole(
    tenant, in_tenant, structure, make_user
):
    user = make_user(tenant)
    grant_role(user, Role.POLE_HEAD, ScopeKind.POLE, structure.p1, by="test")
    assert has_permission(user, Action.VIEW_STRUCTURE, structure.units["P1"])
    assert not has_permission(user, Action.VIEW_STRUCTURE, structure.units["P2"])
    assert not has_permission(user, Action.VIEW_STRUCTURE, structure.first)


def test_a_grant_on_an_uf_covers_that_uf(tenant, in_tenant, structure, make_user):
    user = make_user(tenant)
    grant_role(user, Role.REQUESTER, ScopeKind.UF, structure.units["P2"], by="test")
    assert has_permission(user, Action.VIEW_STRUCTURE, structure.units["P2"])
    assert not has_permission(user, Action.VIEW_STRUCTURE, structure.units["P1"])
    assert not has_permission(user, Action.VIEW_STRUCTURE, structure.p2)


def test_a_domain_grant_covers_objects_routed_to_that_domain(tenant, in_tenant, make_user):
    biomedical = ExpertiseDomain.objects.get(code="biomedical")
    it = ExpertiseDomain.objects.get(code="it")
    user = make_user(tenant)
    grant_role(user, Role.EXPERT, ScopeKind.DOMAIN, biomedical, by="test")

    class Routed:
        def __init__(self, domain):
            self.domain = domain

        def scope_path(self):
            return ScopePath(domain_id=self.domain.pk)

    assert has_permission(user, Action.VIEW_STRUCTURE, Routed(biomedical))
    assert not has_permission(user, Action.VIEW_STRUCTURE, Routed(it))


def test_only_tenant_administrators_administer(tenant, in_tenant, structure, make_user):
    viewer, admin = make_user(tenant), make_user(tenant)
    grant_role(viewer, Role.VIEWER, ScopeKind.TENANT, by="test")
    grant_role(admin, Role.TENANT_ADMIN, ScopeKind.TENANT, by="test")
    assert not has_permission(viewer, Action.ADMINISTER_TENANT)
    assert has_permission(admin, Action.ADMINISTER_TENANT)
    with pytest.raises(PermissionDenied):
        require(viewer, Action.ADMINISTER_TENANT)


def test_inactive_and_anonymous_users_may_do_nothing(tenant, in_tenant, make_user):
    user = make_user(tenant)
    grant_role(user, Role.TENANT_ADMIN, ScopeKind.TENANT, by="test")
    user.is_active = False
    assert not has_permission(user, Action.ADMINISTER_TENANT)
    assert not has_permission(AnonymousUser(), Action.VIEW_STRUCTURE)


@pytest.mark.parametrize(
    ("role", "scope", "field"),
    [
        (Role.TENANT_ADMIN, ScopeKind.ESTABLISHMENT, "scope"),  # administrators are tenant-wide
        (Role.EXPERT, ScopeKind.UF, "scope"),  # experts work on a domain
        (Role.VIEWER, ScopeKind.DOMAIN, "scope"),
        ("janitor", ScopeKind.TENANT, "role"),
    ],
)
def test_grants_that_make_no_sense_are_refused_with_the_field(
    tenant, in_tenant, structure, make_user, role, scope, field
):
    user = make_user(tenant)
    target = {
        ScopeKind.ESTABLISHMENT: structure.first,
        ScopeKind.UF: structure.units["P1"],
        ScopeKind.DOMAIN: ExpertiseDomain.objects.first(),
    }.get(scope)
    with pytest.raises(GrantRefused) as refused:
        grant_role(user, role, scope, target, by="test")
    assert refused.value.field == field


def test_a_scope_without_its_target_is_refused(tenant, in_tenant, make_user):
    with pytest.raises(GrantRefused) as refused:
        grant_role(make_user(tenant), Role.VIEWER, ScopeKind.POLE, None, by="test")
    assert refused.value.field == "target"


def test_the_same_grant_twice_is_refused(tenant, in_tenant, make_user):
    user = make_user(tenant)
    grant_role(user, Role.VIEWER, ScopeKind.TENANT, by="test")
    with pytest.raises(GrantRefused):
        grant_role(user, Role.VIEWER, ScopeKind.TENANT, by="test")


# Who sees a sent request: each role on each kind of scope it may hold, against requests inside
# and outside that scope, dispatched to the grant's domain (biomedical), to another (IT) or not
# yet. Requests are named "<place>-<domain>": place "in" is UF P1 of the first establishment
# (inside every structure scope of the table), "out" an UF of the second establishment.
EVERY = {"in-none", "in-bio", "in-it", "out-none", "out-bio", "out-it"}
INSIDE = {"in-none", "in-bio", "in-it"}
BIOMEDICAL = {"in-bio", "out-bio"}
NOTHING: set[str] = set()
VISIBILITY = [
    (Role.TENANT_ADMIN, ScopeKind.TENANT, EVERY),
    *[
        (role, scope, EVERY if scope == ScopeKind.TENANT else INSIDE)
        for role in (Role.REQUESTER, Role.POLE_HEAD, Role.MANAGEMENT, Role.COMMISSION)
        for scope in (ScopeKind.TENANT, ScopeKind.ESTABLISHMENT, ScopeKind.POLE, ScopeKind.UF)
    ],
    (Role.DISPATCHER, ScopeKind.TENANT, EVERY),
    (Role.DISPATCHER, ScopeKind.ESTABLISHMENT, INSIDE),
    # Dispatching is not theirs to do on what nobody routed yet: only their domain's requests.
    (Role.DISPATCHER, ScopeKind.DOMAIN, BIOMEDICAL),
    (Role.EXPERT, ScopeKind.TENANT, EVERY),
    (Role.EXPERT, ScopeKind.DOMAIN, BIOMEDICAL),
    # Roles outside the request chain read no one's requests.
    (Role.VIEWER, ScopeKind.TENANT, NOTHING),
    (Role.VIEWER, ScopeKind.UF, NOTHING),
    (Role.BUYER, ScopeKind.TENANT, NOTHING),
    (Role.FINANCE, ScopeKind.ESTABLISHMENT, NOTHING),
]


@pytest.fixture
def sent_requests(tenant, in_tenant, structure, make_user):
    """The six requests of the table, sent by someone outside it."""
    from tenants.campaigns.services import create_campaign
    from tenants.requests.models import EquipmentRequest, RequestState
    from tenants.requests.services import PartInput, save_draft

    pole = Pole.objects.create(establishment=structure.second, code="P9", name="Pôle 9")
    service = Service.objects.create(pole=pole, code="S9", name="Service 9")
    outside = FunctionalUnit.objects.create(service=service, code="U9", name="UF 9")
    author = make_user(tenant)
    grant_role(author, Role.TENANT_ADMIN, ScopeKind.TENANT, by="test")
    today = datetime.date.today()
    campaign = create_campaign(
        name="Recensement",
        nature="equipment",
        year=today.year + 1,
        opens=today - datetime.timedelta(days=1),
        closes=today + datetime.timedelta(days=30),
        establishments=[structure.first, structure.second],
        by=author,
    )
    domains = {
        "none": None,
        "bio": ExpertiseDomain.objects.get(code="biomedical"),
        "it": ExpertiseDomain.objects.get(code="it"),
    }
    found = {}
    for place, uf in (("in", structure.units["P1"]), ("out", outside)):
        for key, domain in domains.items():
            request = save_draft(
                by=author,
                campaign=campaign,
                uf=uf,
                title=f"{place}-{key}",
                parts=[PartInput("investment", 1, "1000")],
            )
            # Undispatched: the pôle gave its opinion, the dispatch step is next.
            state = RequestState.POLE_OPINION if domain is None else RequestState.DISPATCHED
            EquipmentRequest.objects.filter(pk=request.pk).update(state=state, domain=domain)
            found[f"{place}-{key}"] = request.pk
    return found


@pytest.mark.parametrize(
    ("role", "scope", "expected"),
    VISIBILITY,
    ids=[f"{role.value}-on-{scope.value}" for role, scope, _ in VISIBILITY],
)
def test_who_sees_which_sent_request(
    tenant, in_tenant, structure, sent_requests, make_user, role, scope, expected
):
    from tenants.requests.selectors import visible_requests

    target = {
        ScopeKind.ESTABLISHMENT: structure.first,
        ScopeKind.POLE: structure.p1,
        ScopeKind.UF: structure.units["P1"],
        ScopeKind.DOMAIN: ExpertiseDomain.objects.get(code="biomedical"),
    }.get(scope)
    user = make_user(tenant)
    grant_role(user, role, scope, target, by="test")
    shown = set(visible_requests(user).values_list("pk", flat=True))
    seen = {name: pk in shown for name, pk in sent_requests.items()}
    assert seen == {name: name in expected for name in sent_requests}


def test_a_dispatcher_of_one_domain_is_not_waited_for_by_undispatched_requests(
    tenant, in_tenant, sent_requests, make_user
):
    from tenants.requests.workflow import waiting_for

    dispatcher = make_user(tenant)
    biomedical = ExpertiseDomain.objects.get(code="biomedical")
    grant_role(dispatcher, Role.DISPATCHER, ScopeKind.DOMAIN, biomedical, by="test")
    assert not waiting_for(dispatcher).filter(domain__isnull=True).exists()
    everywhere = make_user(tenant)
    grant_role(everywhere, Role.DISPATCHER, ScopeKind.TENANT, by="test")
    assert set(waiting_for(everywhere).values_list("pk", flat=True)) == {
        sent_requests["in-none"],
        sent_requests["out-none"],
    }


@pytest.mark.parametrize(
    ("role", "scope", "expected"),
    [
        (Role.DISPATCHER, ScopeKind.DOMAIN, BIOMEDICAL),
        (Role.EXPERT, ScopeKind.DOMAIN, BIOMEDICAL),
        (Role.EXPERT, ScopeKind.TENANT, EVERY),
        (Role.VIEWER, ScopeKind.UF, INSIDE),
    ],
    ids=["dispatcher-on-domain", "expert-on-domain", "expert-on-tenant", "viewer-on-uf"],
)
def test_who_sees_which_plan_line(
    tenant, in_tenant, structure, sent_requests, make_user, role, scope, expected
):
    """The plan is read on the same scopes: a domain grant sees its domain's lines only."""
    from tenants.plan.models import PlanLine
    from tenants.plan.selectors import plan_lines_for
    from tenants.requests.models import EquipmentRequest

    for item in EquipmentRequest.objects.filter(pk__in=sent_requests.values()):
        PlanLine.objects.create(
            request=item,
            campaign=item.campaign,
            year=item.campaign.year,
            uf=item.uf,
            nature=item.nature,
            title=item.title,
            amount=1000,
            created_by=item.requested_by,
        )
    target = {
        ScopeKind.UF: structure.units["P1"],
        ScopeKind.DOMAIN: ExpertiseDomain.objects.get(code="biomedical"),
    }.get(scope)
    user = make_user(tenant)
    grant_role(user, role, scope, target, by="test")
    shown = set(plan_lines_for(user).values_list("title", flat=True))
    assert shown == expected
