"""The acquisition follow-up at the size of a GHT's plan: its lists, an edit in a row, the schedule.

    python3 dev.py bench plan [--lines 20000] [--repeat 15]

Runs in a throw-away database next to the configured one, with one tenant of 300 UF and N plan
lines (granted requests of two campaigns, each with its line), spread over five experts and
nobody, the three natures, 30 months (and none), every step status, a tenth settled and a
twentieth closed. Every figure is the median of ``--repeat`` runs after a warm-up, with its
baseline measured in the same run:

- ``/plan/managed/`` for an expert (their open lines, the current step changed in the row),
  ``/plan/`` for an expert (the team's list, default columns, all N lines) and
  ``/plan/followed/`` for a requester of one UF (every step as a badge), against the same
  page with the current step left out (the lists as they were before the follow-up: no
  ``current_step`` subqueries, no step form in the row);
- an edit in a row: the POST ``/plan/lines/<id>/act/`` the row's form sends with htmx (its
  current step done), answered with the row alone, against the same change through
  ``services.set_step_status``;
- ``/plan/schedule/`` for an expert and for an administrator, against ``selectors.schedule``
  alone.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from bench.common import in_throwaway_database

EXPERTS = 5


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=20_000, help="plan lines in the tenant")
    parser.add_argument("--repeat", type=int, default=15, help="runs per figure (median)")
    args = parser.parse_args()
    return in_throwaway_database(run, args, SPARE_SCHEMA_POOL_SIZE="0")


def timed(function: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median seconds of ``repeat`` calls after one warm-up call, and the last result."""
    result = function()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def month_shift(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


class QueryCount:
    """Counts the statements run on the connection (``CaptureQueriesContext`` loses them: a
    request's start resets the connection's query log)."""

    def __init__(self) -> None:
        self.count = 0
        self.timings: list[tuple[float, str, Any]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.timings.append((time.perf_counter() - started, sql, params))

    def slowest(self, count: int = 3) -> str:
        """The slowest statements, the first one's plan (``EXPLAIN ANALYZE``) after them."""
        from django.db import connection

        ranked = sorted(self.timings, key=lambda timing: timing[0], reverse=True)[:count]
        lines = [f"  {seconds * 1000:.1f} ms: {sql[:300]}" for seconds, sql, _params in ranked]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN ANALYZE " + ranked[0][1], ranked[0][2])
            lines += [f"    {plan_row}" for (plan_row,) in cursor.fetchall()]
        return "\n".join(lines)


@contextmanager
def counting() -> Iterator[QueryCount]:
    from django.db import connection

    counter = QueryCount()
    with connection.execute_wrapper(counter):
        yield counter


@contextmanager
def without_current_step() -> Iterator[None]:
    """The baseline lists: the selectors' rows with no current step (as before the
    follow-up), so the page shows no step form and runs no subquery per row."""
    from django.db.models import IntegerField, Value

    from tenants.plan import selectors

    kept = selectors.with_current_step
    selectors.with_current_step = lambda lines: lines.annotate(  # type: ignore[assignment]
        current_step=Value(""), current_step_id=Value(None, output_field=IntegerField())
    )
    try:
        yield
    finally:
        selectors.with_current_step = kept


def run(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from saas.tenancy.models import Tenant, TenantStatus
    from saas.tenancy.provisioning import provision_tenant, schema_name_for
    from saas.tenancy.services import ensure_public_tenant
    from tenants.access.models import ExpertiseDomain, Role, RoleGrant, ScopeKind
    from tenants.accounts.models import User
    from tenants.campaigns.models import Campaign, Nature
    from tenants.numbering.services import allocate_many
    from tenants.plan import selectors, services
    from tenants.plan.models import REFERENCE_PREFIX as LINE_PREFIX
    from tenants.plan.models import LineStep, PlanLine, StepDefinition, StepStatus
    from tenants.requests.models import REFERENCE_PREFIX, EquipmentRequest
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
    rng = random.Random(15)
    repeat = args.repeat
    with tenant_context(tenant):
        site = Establishment.objects.create(
            name="CHU", finess="800000259", legal_entity_name="GHT", legal_entity_finess="800000044"
        )
        units = []
        for p in range(10):
            pole = Pole.objects.create(establishment=site, code=f"P{p}", name=f"Pôle {p}")
            for s in range(5):
                service = Service.objects.create(pole=pole, code=f"S{s}", name=f"Service {p}{s}")
                units += [
                    FunctionalUnit(service=service, code=f"{p}{s}{u:02d}", name=f"UF {p}{s}{u}")
                    for u in range(6)
                ]
        units = FunctionalUnit.objects.bulk_create(units)
        domains = list(ExpertiseDomain.objects.order_by("pk"))
        experts = []
        for i in range(EXPERTS):
            expert = User.objects.create_user(
                f"expert{i}@bench.test", "x" * 20, full_name=f"Expert {i}"
            )
            RoleGrant.objects.create(user=expert, role=Role.EXPERT, scope=ScopeKind.TENANT)
            experts.append(expert)
        admin = User.objects.create_user("admin@bench.test", "x" * 20, full_name="Admin")
        RoleGrant.objects.create(user=admin, role=Role.TENANT_ADMIN, scope=ScopeKind.TENANT)
        requester = User.objects.create_user("requester@bench.test", "x" * 20)
        followed_uf = units[0]
        RoleGrant.objects.create(
            user=requester, role=Role.REQUESTER, scope=ScopeKind.UF, uf=followed_uf
        )
        today = timezone.localdate()
        campaigns = []
        for year in (today.year - 1, today.year):
            campaign = Campaign.objects.create(
                name=f"Recensement {year}",
                nature="equipment",
                year=year,
                opens=today - timedelta(days=500 if year < today.year else 200),
                closes=today - timedelta(days=400 if year < today.year else 100),
                steps=["pole_opinion", "expertise", "arbitration"],
            )
            campaign.establishments.set([site])
            campaigns.append(campaign)
        natures = [Nature.EQUIPMENT] * 6 + [Nature.WORKS] * 2 + [Nature.SOFTWARE] * 2
        requests = []
        for i in range(args.lines):
            # Every UF has lines; the requester's has its share.
            uf = units[i % len(units)] if i < len(units) else units[rng.randrange(len(units))]
            requests.append(
                EquipmentRequest(
                    campaign=campaigns[i % 2],
                    uf=uf,
                    nature=rng.choice(natures),
                    title=f"Demande {i}",
                    priority=rng.randint(1, 4),
                    state="granted",
                    domain=domains[rng.randrange(len(domains))],
                    granted_amount=Decimal(rng.randrange(1_000, 300_000)),
                    requested_by=requester,
                )
            )
        for row, reference in zip(
            requests, allocate_many(REFERENCE_PREFIX, today.year, len(requests)), strict=True
        ):
            row.reference = reference
        requests = EquipmentRequest.objects.bulk_create(requests, batch_size=5000)
        first = today.replace(day=1)
        lines = []
        for r, reference in zip(
            requests, allocate_many(LINE_PREFIX, today.year, len(requests)), strict=True
        ):
            closed = rng.random() < 0.05
            lines.append(
                PlanLine(
                    reference=reference,
                    request=r,
                    campaign=r.campaign,
                    year=r.campaign.year,
                    uf=r.uf,
                    nature=r.nature,
                    title=r.title,
                    amount=r.granted_amount or Decimal(1),
                    created_by=admin,
                    manager=experts[rng.randrange(EXPERTS)] if rng.random() < 0.9 else None,
                    commissioning_month=month_shift(first, rng.randint(-6, 23))
                    if rng.random() < 0.8
                    else None,
                    settled=closed or rng.random() < 0.1,
                    closed=closed,
                    closed_at=timezone.now() - timedelta(days=rng.randint(0, 200))
                    if closed
                    else None,
                    estimated_amount=r.granted_amount or Decimal(1),
                )
            )
        lines = PlanLine.objects.bulk_create(lines, batch_size=5000)
        steps_of_nature: dict[str, list[StepDefinition]] = {}
        for definition in StepDefinition.objects.filter(hidden=False).order_by("position", "pk"):
            steps_of_nature.setdefault(definition.nature, []).append(definition)
        open_statuses = [
            StepStatus.IN_PROGRESS,
            StepStatus.WAITING,
            StepStatus.BLOCKED,
            StepStatus.TO_DO,
        ]
        past = [StepStatus.DONE] * 8 + [StepStatus.NOT_APPLICABLE, StepStatus.CANCELLED]
        steps = []
        for line in lines:
            definitions = steps_of_nature[line.nature]
            # How far along: every count of steps behind it, all of them on a closed line.
            behind = len(definitions) if line.closed else rng.randint(0, len(definitions) - 1)
            for position, definition in enumerate(definitions):
                if position < behind:
                    status = rng.choice(past)
                elif position == behind:
                    status = rng.choice(open_statuses)
                else:
                    break
                steps.append(
                    LineStep(
                        line=line,
                        definition=definition,
                        status=status,
                        date=today - timedelta(days=rng.randint(0, 400))
                        if status == StepStatus.DONE
                        else None,
                    )
                )
        LineStep.objects.bulk_create(steps, batch_size=10_000)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        expert = experts[0]
        managed_count = selectors.managed_by(expert).count()
        followed_count = selectors.followed_by_requester(requester).count()
        print(
            f"\nPlan benchmark: {len(lines):,} plan lines, {len(steps):,} step rows, 300 UF, "
            f"{EXPERTS} experts; the expert manages {managed_count:,} open lines, the "
            f"requester's UF follows {followed_count:,}; medians of {repeat} runs\n"
        )
        print("| what | queries | time | baseline, same run | ratio |")
        print("| --- | ---: | ---: | --- | ---: |")

        def report(what: str, queries: int, new: float, old: float, baseline: str) -> None:
            print(
                f"| {what} | {queries} | **{new * 1000:.0f} ms** | {baseline}: "
                f"{old * 1000:.0f} ms | {new / old:.2f}x |"
            )

        def page(client: Client, url: str) -> tuple[float, float, int]:
            def get() -> Any:
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                return response

            with counting() as queries:
                get()
            if os.environ.get("BENCH_PROFILE"):
                import cProfile
                import pstats

                print(f"{url}: the slowest queries\n{queries.slowest()}")
                profile = cProfile.Profile()
                profile.runcall(get)
                pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
            new, _response = timed(get, repeat)
            with without_current_step():
                old, _response = timed(get, repeat)
            return new, old, queries.count

        experts_client = Client(HTTP_HOST=host)
        experts_client.force_login(expert)
        requester_client = Client(HTTP_HOST=host)
        requester_client.force_login(requester)
        admin_client = Client(HTTP_HOST=host)
        admin_client.force_login(admin)
        no_step = "the same page without the current step"
        for what, client, url in (
            (
                "`/plan/managed/` for an expert (a step form in each row)",
                experts_client,
                "managed/",
            ),
            ("`/plan/` for an expert (the team's list, default columns)", experts_client, ""),
            (
                "`/plan/followed/` for a requester of one UF (step badges)",
                requester_client,
                "followed/",
            ),
        ):
            url = f"/plan/{url}"
            new, old, count = page(client, url)
            report(what, count, new, old, no_step)

        # An edit in a row: each run moves a different line on (its current step done).
        candidates = iter(
            list(
                selectors.managed_by(expert)
                .exclude(current_step_id=None)  # type: ignore[misc]
                .order_by("pk")
                .values_list("pk", flat=True)[: 4 * (repeat + 2)]
            )
        )

        def next_line() -> PlanLine:
            return selectors.plan_lines_for(expert).get(pk=next(candidates))

        def post_row() -> Any:
            line = next_line()
            step = line.current_step_id  # type: ignore[attr-defined]
            data = {
                "action": "step",
                "step": step,
                "version": line.version,
                f"step-{step}-status": "done",
                "next": "/plan/managed/",
            }
            started = time.perf_counter()
            # As htmx sends it from the list: the answer is the row, changed in place.
            response = experts_client.post(
                f"/plan/lines/{line.pk}/act/", data, HTTP_HX_REQUEST="true"
            )
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, response.status_code
            assert b"<tr" in response.content
            return elapsed

        def direct() -> float:
            line = next_line()
            definition = StepDefinition.objects.get(pk=line.current_step_id)  # type: ignore[attr-defined]
            started = time.perf_counter()
            services.set_step_status(
                line, definition, status=StepStatus.DONE, by=expert, expected_version=line.version
            )
            return time.perf_counter() - started

        post_row()
        with counting() as queries:
            post_row()
        post_times = [post_row() for _ in range(repeat)]
        direct()
        direct_times = [direct() for _ in range(repeat)]
        report(
            "an edit in a row: POST `/plan/lines/<id>/act/` with htmx, the current step "
            "done (answered with the row alone)",
            queries.count,
            statistics.median(post_times),
            statistics.median(direct_times),
            "`services.set_step_status` alone",
        )

        for what, client, user in (
            ("`/plan/schedule/` for an expert", experts_client, expert),
            ("`/plan/schedule/` for an administrator", admin_client, admin),
        ):
            with counting() as queries:
                client.get("/plan/schedule/")

            def schedule_page(c: Client = client) -> Any:
                return c.get("/plan/schedule/")

            def schedule_alone(u: Any = user) -> selectors.Schedule:
                return selectors.schedule(u)

            new, response = timed(schedule_page, repeat)
            assert response.status_code == 200
            old, found = timed(schedule_alone, repeat)
            open_lines = sum(total for _manager, _late, _months, total in found.load)
            report(
                f"{what} ({open_lines:,} open lines)",
                queries.count,
                new,
                old,
                "`selectors.schedule` alone",
            )


if __name__ == "__main__":
    raise SystemExit(main())
