"""Running the checks: what each finds becomes findings, kept across runs.

For each check, what it finds now is compared with its findings: a new key opens a finding; a
finding whose key is no longer found closes by itself; a closed one found again opens again;
an accepted one stays accepted while its data are those it was accepted with, and opens again
when they change. A run writes in one transaction per check, so a check that fails leaves its
findings as they were and the others run.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tenants.controls.models import ControlRun, Finding, FindingEvent, FindingState
from tenants.controls.registry import Check, Found, every_check

T = TypeVar("T")

logger = logging.getLogger(__name__)
WRITE_BATCH = 2000
_RUN_MEMORY: ContextVar[dict[str, Any] | None] = ContextVar("controls_run", default=None)


def shared(name: str, compute: Callable[[], T]) -> T:
    """What several checks of one run read (every order's totals, the asset-device pairs):
    computed once per run, afresh outside one."""
    memory = _RUN_MEMORY.get()
    if memory is None:
        return compute()
    if name not in memory:
        memory[name] = compute()
    return cast(T, memory[name])


def fingerprint(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class RunReport:
    opened: int = 0
    closed: int = 0
    reopened: int = 0
    failed: list[str] = field(default_factory=list)  # codes of the checks that raised
    # Per check, the findings it opened (or reopened): who owns them is told.
    new: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))


def run_checks(checks: Iterable[Check] | None = None, *, trigger: str = "manual") -> RunReport:
    """Run ``checks`` (every one by default); record the run."""
    selected = list(every_check() if checks is None else checks)
    started, clock = timezone.now(), time.monotonic()
    report = RunReport()
    token = _RUN_MEMORY.set({})
    try:
        for check in selected:
            try:
                with transaction.atomic():
                    _run_one(check, report)
            except Exception:
                logger.exception("control %s failed", check.code)
                report.failed.append(check.code)
    finally:
        _RUN_MEMORY.reset(token)
    ControlRun.objects.create(
        started=started,
        finished=timezone.now(),
        trigger=trigger[:40],
        codes=[c.code for c in selected],
        opened=report.opened,
        closed=report.closed,
        reopened=report.reopened,
        seconds=round(time.monotonic() - clock, 3),
    )
    if any(report.new.values()):
        from tenants.controls.owners import tell_owners

        tell_owners(report.new)
    return report


def _run_one(check: Check, report: RunReport) -> None:
    now = timezone.now()
    found: dict[str, Found] = {}
    for item in check.find():
        found.setdefault(item.key[:200], item)
    existing = {
        f.key: f
        for f in Finding.objects.filter(code=check.code)
        .only(*KEPT)
        .select_for_update()
        .iterator(chunk_size=5000)
    }
    to_create: list[Finding] = []
    changed: list[Finding] = []  # their data, level, UF, buyer or link changed
    reopened: list[int] = []
    for key, item in found.items():
        print_ = fingerprint(item.data)
        finding = existing.pop(key, None)
        if finding is None:
            to_create.append(
                Finding(
                    code=check.code,
                    key=key,
                    level=check.level,
                    uf_id=item.uf_id,
                    buyer=item.buyer[:20],
                    data=item.data,
                    fingerprint=print_,
                    url=item.url[:300],
                    opened=now,
                )
            )
            continue
        if (finding.fingerprint, finding.level, finding.uf_id, finding.buyer, finding.url) != (
            print_,
            check.level,
            item.uf_id,
            item.buyer[:20],
            item.url[:300],
        ):
            finding.level, finding.uf_id, finding.buyer = check.level, item.uf_id, item.buyer[:20]
            finding.data, finding.fingerprint, finding.url = item.data, print_, item.url[:300]
            # A person's form drawn from the old data is stale: accepting it would accept
            # data they never saw.
            finding.version = F("version") + 1  # type: ignore[assignment]
            changed.append(finding)
        if finding.state == FindingState.CLOSED or (
            finding.state == FindingState.ACCEPTED and print_ != finding.accepted_fingerprint
        ):
            reopened.append(finding.pk)
    closing = [f.pk for f in existing.values() if f.state != FindingState.CLOSED]
    # State changes in one statement each; rows rewritten only where their data changed.
    # Each bumps the version the finding's forms carry, as a person's change does.
    bump = F("version") + 1
    Finding.objects.filter(pk__in=closing).update(
        state=FindingState.CLOSED, closed=now, version=bump
    )
    Finding.objects.filter(pk__in=reopened).update(
        state=FindingState.OPEN, opened=now, closed=None, version=bump
    )
    Finding.objects.bulk_update(
        changed,
        ["level", "uf", "buyer", "data", "fingerprint", "url", "version"],
        batch_size=WRITE_BATCH,
    )
    created = Finding.objects.bulk_create(to_create, batch_size=WRITE_BATCH)
    events = [FindingEvent(finding_id=pk, action=FindingEvent.Action.CLOSED) for pk in closing]
    events += [FindingEvent(finding_id=pk, action=FindingEvent.Action.REOPENED) for pk in reopened]
    events += [FindingEvent(finding=f, action=FindingEvent.Action.OPENED) for f in created]
    FindingEvent.objects.bulk_create(events, batch_size=WRITE_BATCH)
    report.opened += len(created)
    report.reopened += len(reopened)
    report.closed += len(closing)
    report.new[check.code] += [f.pk for f in created] + reopened


# What the comparison reads of the findings already there.
KEPT = (
    "pk",
    "key",
    "state",
    "fingerprint",
    "accepted_fingerprint",
    "level",
    "uf",
    "buyer",
    "url",
)
