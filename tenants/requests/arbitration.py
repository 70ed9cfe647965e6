"""The commission's session: the requests it must decide, ranked, against the envelopes.

``session`` reads what the page and the XLSX show; ``decide_many`` applies the decisions the
commission took on the page, all or nothing: one refused row and nothing is decided.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import IO

from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Font

from saas.errors import UserError, labelled, sentence
from tenants.accounts.models import User
from tenants.campaigns.models import Campaign, Step
from tenants.campaigns.selectors import Consumption, envelope_consumption, envelope_covers
from tenants.campaigns.services import Refused
from tenants.requests.models import EquipmentRequest, RequestEvent, RequestPart, RequestState
from tenants.requests.selectors import PART_COST
from tenants.requests.workflow import DECIDED, STATE_AFTER, arbitrate
from tenants.tables import xlsx
from tenants.tables.xlsx import FORMATS


@dataclass
class Opinion:
    favourable: bool
    reason: str
    by: str


@dataclass
class SessionRow:
    rank: int
    request: EquipmentRequest
    cost: Decimal
    opinions: dict[str, Opinion] = field(default_factory=dict)  # step -> latest opinion
    envelopes: list[int] = field(default_factory=list)  # pks of the envelopes it draws on
    decision_reason: str = ""

    @property
    def decided(self) -> bool:
        return self.request.state in DECIDED


@dataclass
class Session:
    """The session's ``rows`` from ``offset`` (all of them unless asked for a part), and its
    figures over every row: ``count``, ``waiting_count``, the totals."""

    campaign: Campaign
    rows: list[SessionRow]
    envelopes: list[Consumption]
    count: int
    waiting_count: int
    total_requested: Decimal
    total_granted: Decimal
    offset: int = 0

    @property
    def next_offset(self) -> int:
        return self.offset + len(self.rows)

    @property
    def remaining(self) -> int:
        """Rows after those in ``rows``."""
        return max(self.count - self.next_offset, 0)


def session_requests(campaign: Campaign, within: Q | None = None) -> QuerySet[EquipmentRequest]:
    """The requests of the session: waiting for the commission, or decided by it."""
    # The state a request is in when the commission is its next step, in this campaign.
    steps = list(campaign.steps)
    before = steps[steps.index(Step.ARBITRATION) - 1] if len(steps) > 1 else None
    waiting = STATE_AFTER[Step(before)] if before else RequestState.SUBMITTED
    return campaign.requests.filter(within or Q(), state__in=[waiting, *DECIDED])


@dataclass(frozen=True)
class Ranking:
    """Every request of a session in the commission's order, with what the totals need."""

    order: list[int]  # pks
    costs: dict[int, Decimal]
    waiting_count: int
    total_requested: Decimal
    total_granted: Decimal


def ranking(requests: QuerySet[EquipmentRequest]) -> Ranking:
    """Waiting before decided, then priority, then the opinions (favourable before
    unfavourable: the latest at each step counts), then the cheaper. Three light queries over
    the whole session, whatever part of it is shown (per-row subqueries to let the database
    sort took 250 ms at 8,000 requests)."""
    pks = requests.values("pk")
    costs: dict[int, Decimal] = dict(
        RequestPart.objects.filter(request__in=pks)
        .values("request")
        .annotate(request_cost=Sum(PART_COST))
        .order_by()
        .values_list("request", "request_cost")
    )
    latest = (
        RequestEvent.objects.filter(request__in=pks, action__in=[Step.POLE_OPINION, Step.EXPERTISE])
        .order_by("request", "action", "-at", "-pk")
        .distinct("request", "action")
        .values_list("request", "data__favourable")
    )
    unfavourable: dict[int, int] = {}
    for pk, favourable in latest:
        unfavourable[pk] = unfavourable.get(pk, 0) + (not favourable)
    keys = []
    waiting, granted = 0, Decimal("0.00")
    for pk, state, priority, granted_amount in requests.values_list(
        "pk", "state", "priority", "granted_amount"
    ):
        decided = state in DECIDED
        cost = costs.setdefault(pk, Decimal("0.00"))
        keys.append((decided, priority, unfavourable.get(pk, 0), cost, pk))
        if decided:
            granted += granted_amount or 0
        else:
            waiting += 1
    keys.sort()
    return Ranking(
        [key[-1] for key in keys], costs, waiting, sum(costs.values(), Decimal("0.00")), granted
    )


def session(
    campaign: Campaign,
    within: Q | None = None,
    *,
    offset: int = 0,
    limit: int | None = None,
    figures: bool = True,
) -> Session:
    """Requests waiting for the commission, then those it decided, ranked (see ``ranking``):
    ``limit`` rows from ``offset``, every row without a limit; the totals count every row, and
    so does the envelopes' consumption (``figures=False``: none, for rows loaded into a page
    that has it). ``within``: the requests the person's scope covers (an establishment's
    commission sees its own)."""
    requests = session_requests(campaign, within)
    ranked = ranking(requests)
    if figures:
        consumption = envelope_consumption(campaign)
        envelopes = [item.envelope for item in consumption]
    else:
        consumption, envelopes = [], list(campaign.envelopes.order_by("pk"))
    end = offset + limit if limit is not None else None
    shown = ranked.order[offset:end]
    related = ("campaign", "uf__service__pole__establishment", "domain")
    found = requests if len(shown) == len(ranked.order) else requests.filter(pk__in=shown)
    by_pk = found.select_related(*related).in_bulk()
    chosen = [by_pk[pk] for pk in shown if pk in by_pk]
    opinions: dict[int, dict[str, Opinion]] = {}
    events = (
        RequestEvent.objects.filter(
            request__in=[r.pk for r in chosen],
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

    def covering(r: EquipmentRequest) -> list[int]:
        pole = r.uf.service.pole
        place = (pole.establishment_id, pole.pk, r.uf.service_id)
        return sorted(e.pk for e in envelopes if envelope_covers(e, place))

    rows = [
        SessionRow(
            rank=index,
            request=r,
            cost=ranked.costs[r.pk],
            opinions=opinions.get(r.pk, {}),
            envelopes=covering(r),
            decision_reason=reasons.get(r.pk, "") if r.state in DECIDED else "",
        )
        for index, r in enumerate(chosen, start=offset + 1)
    ]
    return Session(
        campaign,
        rows,
        consumption,
        count=len(ranked.order),
        waiting_count=ranked.waiting_count,
        total_requested=ranked.total_requested,
        total_granted=ranked.total_granted,
        offset=offset,
    )


@dataclass(frozen=True)
class Decision:
    request_id: int
    decision: str  # granted, deferred, refused
    granted_amount: str = ""
    reason: str = ""
    expected_version: int | None = None


class DecisionsRefused(UserError):
    """No decision was recorded: ``problems`` holds each refused request's refusal."""

    def __init__(self, problems: dict[int, Refused]) -> None:
        super().__init__("decisions", _("nothing was decided: correct the rows marked"))
        self.problems = problems

    def errors(self) -> list[tuple[str, str]]:
        return [(f"requests[{pk}].{p.field}", p.reason) for pk, p in self.problems.items()]


# The person's names for the fields of a decision: a refusal shows these, never the internal
# names ("granted_amount").
DECISION_LABELS = {
    "decision": gettext_lazy("Decision"),
    "granted_amount": gettext_lazy("Granted amount"),
    "reason": gettext_lazy("Why"),
}


def problem_text(refused: Refused) -> str:
    """A refusal as the page shows it: the field's label (Montant accordé), then why."""
    label = DECISION_LABELS.get(refused.field)
    return labelled(label, refused.reason) if label else sentence(refused.reason)


def decide_many(campaign: Campaign, decisions: list[Decision], *, by: User) -> int:
    """Apply the commission's decisions in one transaction; any refusal refuses them all,
    each refusal kept against its request."""
    problems: dict[int, Refused] = {}
    with transaction.atomic():
        requests = campaign.requests.in_bulk([d.request_id for d in decisions])
        for decision in decisions:
            request = requests.get(decision.request_id)
            if request is None:
                problems[decision.request_id] = Refused(
                    "request", _("not a request of this campaign")
                )
                continue
            try:
                with transaction.atomic():
                    arbitrate(
                        request,
                        by=by,
                        decision=decision.decision,
                        granted_amount=decision.granted_amount,
                        reason=decision.reason,
                        expected_version=decision.expected_version,
                    )
            except Refused as refused:
                problems[decision.request_id] = refused
        if problems:
            transaction.set_rollback(True)
    if problems:
        raise DecisionsRefused(problems)
    return len(decisions)


def write_session_xlsx(current: Session, target: IO[bytes], *, now: datetime | None = None) -> None:
    """The workbook a commission expects: the ranked requests with opinions, costs and
    decisions, their totals, and the envelopes with what is requested and granted."""
    now = timezone.localtime(now or timezone.now())
    workbook = xlsx.new_workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Arbitration")[:31]
    bold = Font(bold=True)
    xlsx.append(sheet, [current.campaign.name])
    sheet["A1"].font = Font(bold=True, size=14)
    xlsx.append(sheet, [_("Session of %(date)s") % {"date": now.strftime("%d/%m/%Y %H:%M")}])
    sheet.append([])
    headers = [
        _("Rank"),
        _("Reference"),
        _("Title"),
        _("Establishment"),
        _("Pôle"),
        _("Service"),
        _("UF"),
        _("Priority"),
        _("Head of pôle opinion"),
        _("Expert opinion"),
        _("Expertise domain"),
        _("Estimated cost"),
        _("Decision"),
        _("Granted"),
        _("Why"),
    ]
    xlsx.append(sheet, headers)
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = bold
    # Rows are counted here: openpyxl's max_row scans every cell, once per row it is O(n²).
    line = header_row
    for row in current.rows:
        line += 1
        r = row.request
        pole = r.uf.service.pole
        xlsx.append(
            sheet,
            [
                row.rank,
                r.reference,
                r.title,
                pole.establishment.name,
                pole.name,
                r.uf.service.name,
                r.uf.code,
                r.get_priority_display(),
                _opinion_text(row.opinions.get(Step.POLE_OPINION)),
                _opinion_text(row.opinions.get(Step.EXPERTISE)),
                r.domain.name if r.domain else "",
                float(row.cost),
                r.get_state_display() if row.decided else "",
                float(r.granted_amount) if r.granted_amount is not None else None,
                row.decision_reason,
            ],
        )
        sheet.cell(line, 12).number_format = FORMATS["money"]
        sheet.cell(line, 14).number_format = FORMATS["money"]
    sheet.append([])
    xlsx.append(
        sheet,
        [_("Total")]
        + [""] * 10
        + [float(current.total_requested), "", float(current.total_granted)],
    )
    total = line + 2
    for column in (12, 14):
        sheet.cell(total, column).number_format = FORMATS["money"]
    sheet.cell(total, 1).font = bold
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    for letter, width in zip(
        "ABCDEFGHIJKLMNO", (6, 7, 40, 24, 24, 24, 8, 22, 30, 30, 18, 16, 12, 16, 40), strict=True
    ):
        sheet.column_dimensions[letter].width = width

    budget = workbook.create_sheet(_("Envelopes")[:31])
    xlsx.append(
        budget,
        [_("Envelope"), _("Source"), _("Amount"), _("Requested"), _("Granted"), _("Remaining")],
    )
    for cell in budget[1]:
        cell.font = bold
    for item in current.envelopes:
        envelope = item.envelope
        xlsx.append(
            budget,
            [
                str(envelope),
                envelope.get_source_display(),
                float(envelope.amount),
                float(item.requested),
                float(item.granted),
                float(envelope.amount - item.granted),
            ],
        )
        for column in range(3, 7):
            budget.cell(budget.max_row, column).number_format = FORMATS["money"]
    budget.column_dimensions["A"].width = 40
    for letter in "BCDEF":
        budget.column_dimensions[letter].width = 18
    workbook.save(target)


def _opinion_text(opinion: Opinion | None) -> str:
    if opinion is None:
        return ""
    verdict = _("favourable") if opinion.favourable else _("unfavourable")
    return f"{verdict} — {opinion.reason}" if opinion.reason else verdict
