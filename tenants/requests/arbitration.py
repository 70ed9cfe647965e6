"""The commission's session: the requests it must decide, ranked, against the envelopes.

``session`` reads what the page and the XLSX show; ``decide_many`` applies the decisions the
commission took on the page, all or nothing: one refused row and nothing is decided.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import IO, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Font

from saas.errors import UserError, labelled, sentence
from tenants.accounts.models import User
from tenants.campaigns.models import Campaign, Step
from tenants.campaigns.selectors import Consumption, envelope_consumption
from tenants.campaigns.services import Refused
from tenants.requests.models import EquipmentRequest, RequestEvent, RequestState
from tenants.requests.selectors import with_costs
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
    campaign: Campaign
    rows: list[SessionRow]
    envelopes: list[Consumption]

    @property
    def waiting(self) -> list[SessionRow]:
        return [row for row in self.rows if not row.decided]

    @property
    def total_requested(self) -> Decimal:
        return sum((row.cost for row in self.rows), Decimal("0"))

    @property
    def total_granted(self) -> Decimal:
        return sum(
            (row.request.granted_amount or Decimal("0") for row in self.rows if row.decided),
            Decimal("0"),
        )


def session(campaign: Campaign, within: Q | None = None) -> Session:
    """Requests waiting for the commission, then those it decided, ranked: priority first,
    then the opinions (favourable before unfavourable), then the cheaper. ``within``: the
    requests the person's scope covers (an establishment's commission sees its own)."""
    # The state a request is in when the commission is its next step, in this campaign.
    steps = list(campaign.steps)
    before = steps[steps.index(Step.ARBITRATION) - 1] if len(steps) > 1 else None
    waiting = STATE_AFTER[Step(before)] if before else RequestState.SUBMITTED
    base = campaign.requests.filter(within or Q(), state__in=[waiting, *DECIDED])
    requests = list(
        with_costs(base.select_related("campaign", "uf__service__pole__establishment", "domain"))
    )
    opinions: dict[int, dict[str, Opinion]] = {}
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
    consumption = envelope_consumption(campaign)
    covered: dict[int, set[int]] = {}
    for item in consumption:
        covers = base.filter(item.envelope.covers())
        for pk in covers.values_list("pk", flat=True):
            covered.setdefault(pk, set()).add(item.envelope.pk)

    def rank_key(r: EquipmentRequest) -> tuple[Any, ...]:
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
    return Session(campaign, rows, consumption)


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
