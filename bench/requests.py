"""Request workflow at the size of a GHT's census: the "waiting for me" list and the session.

    python3 dev.py bench requests [--requests 20000] [--session 2000]

Runs in a throw-away database next to the configured one, with one tenant of 300 UF, three
campaigns (two closed, one open) and N requests spread over every state (one to three parts
each). Each figure stands next to a baseline measured in the same run:

- "waiting for me" for a manager (tenant-wide), a head of pôle and a domain expert, one SQL
  query built per campaign and step, against the first version (every candidate request
  loaded and its next step computed in Python, kept here as the baseline);
- the list page itself (``/requests/waiting/`` through Django's test client);
- the commission's session with M requests waiting for it (rank, opinions, envelopes) and its
  XLSX, against the first version's reads (every request in flight loaded, the commission's
  kept in Python) and its XLSX writing (openpyxl's ``max_row``, a scan of every cell, per row);
- the session's whole page: its first rows (the others are loaded into it on demand) with
  the totals and envelopes over every row, against the first version's page (every row
  ranked in Python and rendered, the envelopes read by four queries each, kept here as the
  baseline); then the next rows, and all the others at once.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import tempfile
import time
from datetime import timedelta
from typing import Any
from unittest import mock

from bench.common import in_throwaway_database


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=20_000, help="requests in the tenant")
    parser.add_argument("--session", type=int, default=2_000, help="requests at the commission")
    args = parser.parse_args()
    return in_throwaway_database(run, args, SPARE_SCHEMA_POOL_SIZE="0")


def timed(function: Any, repeat: int = 5) -> tuple[float, Any]:
    """Median seconds of ``repeat`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def baseline_waiting_for(user: Any) -> list[int]:
    """The first version of ``waiting_for``: candidates loaded, next step computed in Python."""
    from django.db.models import Q

    from tenants.access.permissions import ALLOWED_ROLES, grants_of, scope_filter
    from tenants.campaigns.models import Step
    from tenants.requests.models import EquipmentRequest, RequestState
    from tenants.requests.workflow import ACTION_OF, STATE_AFTER, next_step

    keep = Q(pk__in=[])
    for step, action in ACTION_OF.items():
        done_state = [RequestState.SUBMITTED] + [
            state for s, state in STATE_AFTER.items() if s != step
        ]
        scoped = scope_filter(user, action, "uf")
        if step == Step.EXPERTISE:
            domains = [g.domain_id for g in grants_of(user) if g.role in ALLOWED_ROLES[action]]
            if None not in domains:
                scoped = Q(domain_id__in=domains)
        candidates = EquipmentRequest.objects.filter(scoped, state__in=done_state)
        keep |= Q(
            pk__in=[r.pk for r in candidates.select_related("campaign") if next_step(r) == step]
        )
    mine = Q(requested_by=user, state=RequestState.MORE_INFORMATION)
    return list(EquipmentRequest.objects.filter(keep | mine).values_list("pk", flat=True))


def baseline_session(campaign: Any) -> int:
    """The first version's reads: every request in flight loaded with its place in the
    structure, the commission's kept in Python; opinions read as model instances."""
    from tenants.campaigns.models import Step
    from tenants.requests.models import RequestEvent, RequestState
    from tenants.requests.selectors import with_costs
    from tenants.requests.workflow import DECIDED, next_step

    in_flight = [
        RequestState.SUBMITTED,
        RequestState.POLE_OPINION,
        RequestState.DISPATCHED,
        RequestState.EXPERTISED,
        RequestState.VALIDATED,
        *DECIDED,
    ]
    candidates = with_costs(
        campaign.requests.filter(state__in=in_flight).select_related(
            "campaign", "uf__service__pole__establishment", "domain"
        )
    )
    kept = [r for r in candidates if r.state in DECIDED or next_step(r) == Step.ARBITRATION]
    events = RequestEvent.objects.filter(
        request__in=[r.pk for r in kept], action__in=["pole_opinion", "expertise", "arbitrate"]
    ).select_related("actor")
    return len(kept) + sum(1 for _event in events)


def baseline_consumption(campaign: Any) -> list[Any]:
    """The first version of ``envelope_consumption``: four aggregates per envelope."""
    from django.db.models import Sum
    from django.db.models.functions import Coalesce

    from tenants.campaigns.selectors import COUNTED, LINE_CONSUMPTION, Consumption
    from tenants.requests.models import RequestState
    from tenants.requests.selectors import ZERO, with_costs

    result = []
    envelopes = campaign.envelopes.select_related("establishment", "pole", "service")
    for envelope in envelopes.order_by("pk"):
        covered = campaign.requests.filter(envelope.covers(), state__in=COUNTED)
        requested = with_costs(covered).aggregate(total=Coalesce(Sum("cost"), ZERO))["total"]
        granted_requests = covered.filter(state=RequestState.GRANTED)
        granted = granted_requests.aggregate(total=Coalesce(Sum("granted_amount"), ZERO))["total"]
        not_in_plan = granted_requests.filter(plan_line__isnull=True).aggregate(
            total=Coalesce(Sum("granted_amount"), ZERO)
        )["total"]
        lines = campaign.plan_lines.filter(envelope.covers())
        in_plan = lines.aggregate(total=Coalesce(Sum(LINE_CONSUMPTION), ZERO))["total"]
        result.append(Consumption(envelope, requested, granted, in_plan + not_in_plan))
    return result


def baseline_whole_session(campaign: Any, within: Any = None, **_ignored: Any) -> Any:
    """The session as the page had it before it showed its rows in parts: every row, ranked in
    Python, each envelope's requests read by one query per envelope (``offset`` and ``limit``
    ignored: the page rendered them all)."""
    from decimal import Decimal

    from django.db.models import Q

    from tenants.campaigns.models import Step
    from tenants.requests.arbitration import Opinion, Session, SessionRow
    from tenants.requests.models import RequestEvent, RequestState
    from tenants.requests.selectors import with_costs
    from tenants.requests.workflow import DECIDED, STATE_AFTER

    steps = list(campaign.steps)
    before = steps[steps.index(Step.ARBITRATION) - 1] if len(steps) > 1 else None
    waiting = STATE_AFTER[Step(before)] if before else RequestState.SUBMITTED
    base = campaign.requests.filter(within or Q(), state__in=[waiting, *DECIDED])
    requests = list(
        with_costs(base.select_related("campaign", "uf__service__pole__establishment", "domain"))
    )
    opinions: dict[int, dict[str, Any]] = {}
    events = (
        RequestEvent.objects.filter(
            request__in=base.values("pk"),
            action__in=[Step.POLE_OPINION, Step.EXPERTISE, "arbitrate"],
        )
        .order_by("at", "pk")
        .values_list("request_id", "action", "reason", "data", "actor__full_name", "actor__email")
    )
    reasons: dict[int, str] = {}
    for request_id, action, reason, data, name, email in events:
        if action == "arbitrate":
            reasons[request_id] = reason
            continue
        opinions.setdefault(request_id, {})[action] = Opinion(
            bool(data.get("favourable")), reason, name or email
        )
    consumption = baseline_consumption(campaign)
    covered: dict[int, set[int]] = {}
    for item in consumption:
        for pk in base.filter(item.envelope.covers()).values_list("pk", flat=True):
            covered.setdefault(pk, set()).add(item.envelope.pk)

    def rank_key(r: Any) -> tuple[Any, ...]:
        unfavourable = sum(1 for o in opinions.get(r.pk, {}).values() if not o.favourable)
        return (r.state in DECIDED, r.priority, unfavourable, r.cost, r.pk)  # type: ignore[attr-defined]

    rows = [
        SessionRow(
            rank=index,
            request=r,
            cost=r.cost,  # type: ignore[attr-defined]
            opinions=opinions.get(r.pk, {}),
            envelopes=sorted(covered.get(r.pk, set())),
            decision_reason=reasons.get(r.pk, "") if r.state in DECIDED else "",
        )
        for index, r in enumerate(sorted(requests, key=rank_key), start=1)
    ]
    decided = [row for row in rows if row.decided]
    return Session(
        campaign,
        rows,
        consumption,
        count=len(rows),
        waiting_count=len(rows) - len(decided),
        total_requested=sum((row.cost for row in rows), Decimal("0")),
        total_granted=sum((row.request.granted_amount or 0 for row in decided), Decimal("0")),
    )


def baseline_xlsx(session: Any, target: Any) -> None:
    """The first version's mistake: openpyxl's ``max_row`` (a scan of every cell) per row."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in session.rows:
        r = row.request
        sheet.append([row.rank, r.pk, r.title, r.uf.code, float(row.cost)])
        sheet.cell(sheet.max_row, 5).number_format = "#,##0.00"
    book.save(target)


def run(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from saas.tenancy.models import Tenant, TenantStatus
    from saas.tenancy.provisioning import provision_tenant, schema_name_for
    from saas.tenancy.services import ensure_public_tenant
    from tenants.access.models import ExpertiseDomain, Role, RoleGrant, ScopeKind
    from tenants.accounts.models import User
    from tenants.campaigns.models import Campaign, Envelope
    from tenants.numbering.services import allocate_many
    from tenants.requests import arbitration
    from tenants.requests.models import (
        REFERENCE_PREFIX,
        EquipmentRequest,
        RequestEvent,
        RequestPart,
    )
    from tenants.requests.workflow import waiting_for
    from tenants.structure.models import Establishment, FunctionalUnit, Pole, Service

    logging.getLogger("axes").setLevel(logging.WARNING)  # one line per sign-in otherwise
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    ensure_public_tenant()
    tenant = Tenant.objects.create(
        schema_name=schema_name_for("bench"),
        name="Bench",
        finess="800000044",
        contact_email="admin@bench.test",
        status=TenantStatus.PROVISIONING,
    )
    tenant = provision_tenant(tenant.pk, subdomain="bench", admin_email="a@bench.test").tenant
    host = tenant.get_primary_domain().domain  # type: ignore[union-attr]
    rng = random.Random(7)
    with tenant_context(tenant):
        site = Establishment.objects.create(
            name="CHU", finess="800000259", legal_entity_name="GHT", legal_entity_finess="800000044"
        )
        poles, units = [], []
        for p in range(10):
            pole = Pole.objects.create(establishment=site, code=f"P{p}", name=f"Pôle {p}")
            poles.append(pole)
            for s in range(5):
                service = Service.objects.create(pole=pole, code=f"S{s}", name=f"Service {p}{s}")
                units += [
                    FunctionalUnit(service=service, code=f"{p}{s}{u:02d}", name=f"UF {p}{s}{u}")
                    for u in range(6)
                ]
        units = FunctionalUnit.objects.bulk_create(units)
        domains = list(ExpertiseDomain.objects.order_by("pk"))
        people = {}
        for name, role, scope, target in (
            ("requester", Role.REQUESTER, ScopeKind.TENANT, {}),
            ("manager", Role.MANAGEMENT, ScopeKind.TENANT, {}),
            ("head", Role.POLE_HEAD, ScopeKind.POLE, {"pole": poles[0]}),
            ("expert", Role.EXPERT, ScopeKind.DOMAIN, {"domain": domains[0]}),
            ("commission", Role.COMMISSION, ScopeKind.TENANT, {}),
        ):
            people[name] = User.objects.create_user(f"{name}@bench.test", "x" * 20)
            RoleGrant.objects.create(user=people[name], role=role, scope=scope, **target)
        today = timezone.localdate()
        campaigns = []
        for year, open_ in ((today.year - 1, False), (today.year, False), (today.year + 1, True)):
            campaign = Campaign.objects.create(
                name=f"Recensement {year}",
                nature="equipment",
                year=year,
                opens=today - timedelta(days=400 if not open_ else 10),
                closes=today - timedelta(days=300) if not open_ else today + timedelta(days=30),
                steps=(
                    ["pole_opinion", "dispatch", "expertise", "management", "arbitration"]
                    if year != today.year
                    else ["pole_opinion", "expertise", "arbitration"]  # a campaign without dispatch
                ),
            )
            campaign.establishments.set([site])
            campaigns.append(campaign)
        current = campaigns[-1]
        Envelope.objects.create(
            campaign=current, establishment=site, amount=5_000_000, source="own_funds"
        )
        for pole in poles:
            Envelope.objects.create(campaign=current, pole=pole, amount=400_000, source="subsidy")
        states = [
            "draft",
            "submitted",
            "pole_opinion",
            "dispatched",
            "expertised",
            "granted",
            "deferred",
            "refused",
            "more_information",
        ]
        rows = []
        for i in range(args.requests):
            uf = units[rng.randrange(len(units))]
            state = rng.choice(states)
            rows.append(
                EquipmentRequest(
                    campaign=campaigns[i % 3] if i % 5 else current,
                    uf=uf,
                    nature="equipment",
                    title=f"Demande {i}",
                    priority=rng.randint(1, 4),
                    state=state,
                    domain=domains[rng.randrange(len(domains))]
                    if state not in ("draft", "submitted", "pole_opinion")
                    else None,
                    granted_amount=1000 if state == "granted" else None,
                    requested_by=people["requester"],
                )
            )
        for i in range(args.session):
            rows.append(
                EquipmentRequest(
                    campaign=current,
                    uf=units[rng.randrange(len(units))],
                    nature="equipment",
                    title=f"Commission {i}",
                    priority=rng.randint(1, 4),
                    state="validated",
                    domain=domains[0],
                    requested_by=people["requester"],
                )
            )
        # bulk_create skips save(), where a request takes its reference: given here at once.
        references = allocate_many(REFERENCE_PREFIX, today.year, len(rows))
        for row, reference in zip(rows, references, strict=True):
            row.reference = reference
        requests = EquipmentRequest.objects.bulk_create(rows, batch_size=5000)
        RequestPart.objects.bulk_create(
            [
                RequestPart(
                    request=r,
                    kind=kind,
                    quantity=rng.randint(1, 5),
                    unit_price=rng.randrange(500, 90_000),
                )
                for r in requests
                for kind in ("investment", "maintenance", "it")[: rng.randint(1, 3)]
            ],
            batch_size=10_000,
        )
        RequestEvent.objects.bulk_create(
            [
                RequestEvent(
                    request=r,
                    action=action,
                    from_state="",
                    to_state="",
                    actor=people["manager"],
                    reason="Avis",
                    data={"favourable": True},
                )
                for r in requests
                if r.state == "validated"
                for action in ("pole_opinion", "expertise")
            ],
            batch_size=10_000,
        )
        total = args.requests + args.session
        print(
            f"\nRequests benchmark: {total:,} requests in 3 campaigns, 300 UF, 10 pôles, "
            f"{args.session:,} waiting for the commission\n"
        )
        print("| what | rows | time (median of 5) | baseline | vs baseline |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for name in ("manager", "head", "expert"):
            user = User.objects.get(pk=people[name].pk)
            new_time, found = timed(
                lambda u=user: list(waiting_for(u).values_list("pk", flat=True))
            )
            old_time, expected = timed(lambda u=user: baseline_waiting_for(u))
            assert sorted(found) == sorted(expected), f"{name}: the two versions disagree"
            print(
                f"| waiting for the {name} (one query) | {len(found):,} | {new_time * 1000:.1f} ms"
                f" | {old_time * 1000:.1f} ms | {old_time / new_time:.1f}x |"
            )
        client = Client(HTTP_HOST=host)
        client.force_login(people["manager"])
        client.get("/requests/waiting/")  # warm up
        page_time, response = timed(lambda: client.get("/requests/waiting/?sort=-cost"))
        assert response.status_code == 200
        print(
            f"| /requests/waiting/ for the manager, sorted by cost (page of 50) | | "
            f"{page_time * 1000:.0f} ms | | |"
        )
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.runcall(arbitration.session, current)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
        with CaptureQueriesContext(connection) as queries:
            session_time, session = timed(lambda: arbitration.session(current), repeat=3)
        per_call = len(queries.captured_queries) // 3
        old_time, _count = timed(lambda: baseline_session(current), repeat=3)
        print(
            f"| the commission's session (rank, opinions, {len(session.envelopes)} envelopes, "
            f"{per_call} queries) | {len(session.rows):,} | {session_time * 1000:.0f} ms | "
            f"{old_time * 1000:.0f} ms (its reads only) | {old_time / session_time:.1f}x |"
        )

        def export() -> int:
            with tempfile.TemporaryFile() as target:
                arbitration.write_session_xlsx(session, target)
                return target.tell()

        xlsx_time, size = timed(export, repeat=3)

        def old_export() -> None:
            with tempfile.TemporaryFile() as target:
                baseline_xlsx(session, target)

        old_time, _ = timed(old_export, repeat=1)
        print(
            f"| its XLSX ({size / 1e3:.0f} kB) | {len(session.rows):,} | "
            f"{xlsx_time * 1000:.0f} ms | {old_time * 1000:.0f} ms (5 columns, max_row per row)"
            f" | {old_time / xlsx_time:.1f}x |"
        )
        # The whole session as the first version computed it: the same rows, ranks and totals.
        old = baseline_whole_session(current)
        assert [(r.rank, r.request.pk, r.cost, r.envelopes) for r in session.rows] == [
            (r.rank, r.request.pk, r.cost, r.envelopes) for r in old.rows
        ], "the session and the first version's disagree on the rows"
        assert (session.total_requested, session.total_granted) == (
            old.total_requested,
            old.total_granted,
        )
        assert session.envelopes == old.envelopes, "the envelopes' consumption disagrees"

        client.force_login(people["commission"])
        url = f"/campaigns/{current.pk}/arbitration/"
        client.get(url)  # warm up
        with CaptureQueriesContext(connection) as queries:
            page_time, response = timed(lambda: client.get(url), repeat=5)
        page_queries = len(queries.captured_queries) // 5
        assert response.status_code == 200
        shown = response.content.decode().count("data-row=")
        with mock.patch.object(arbitration, "session", baseline_whole_session):
            old_page_time, old_response = timed(lambda: client.get(url), repeat=3)
        assert old_response.status_code == 200
        assert old_response.content.decode().count("data-row=") == len(session.rows)
        print(
            f"| /campaigns/<id>/arbitration/, the whole page: the first {shown} rows, the "
            f"totals and envelopes over all ({page_queries} queries) | {len(session.rows):,} | "
            f"{page_time * 1000:.0f} ms | {old_page_time * 1000:.0f} ms (every row ranked in "
            f"Python and rendered) | {old_page_time / page_time:.1f}x |"
        )
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.runcall(client.get, url)
            pstats.Stats(profile).sort_stats("tottime").print_stats(20)
        next_time, response = timed(lambda: client.get(f"{url}?offset={shown}"), repeat=5)
        assert response.status_code == 200
        print(
            f"| the next {response.content.decode().count('data-row=')} rows, loaded into the "
            f"page | | {next_time * 1000:.0f} ms | | |"
        )
        rest_time, response = timed(lambda: client.get(f"{url}?offset={shown}&rest=1"), repeat=3)
        assert response.status_code == 200
        print(
            f"| all the {response.content.decode().count('data-row='):,} others, loaded at "
            f"once | | {rest_time * 1000:.0f} ms | | |"
        )


if __name__ == "__main__":
    raise SystemExit(main())
