"""Everything that changes a trial: each action one transaction, the trial locked, the table
of ``tenants.trials.rules`` asked first, an edit made on an older version refused
(``expected_version``), and a refusal that names the field and changes nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from saas.errors import UserError
from tenants.access.models import ExpertiseDomain
from tenants.access.permissions import Action, has_permission
from tenants.accounts.models import User
from tenants.documents.services import attach
from tenants.plan.models import PlanLine
from tenants.structure.models import FunctionalUnit
from tenants.trials import rules
from tenants.trials.models import (
    ClinicalEvaluation,
    DocumentKind,
    TechnicalEvaluation,
    Trial,
    TrialDocument,
    TrialEvent,
)
from tenants.trials.selectors import linkable_lines, missing_documents

EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
TEXT_LIMITS = {
    "device": 200,
    "manufacturer": 200,
    "contact_name": 120,
    "contact_phone": 40,
    "contact_email": 200,
    "ce_marking": 120,
    "purpose": 5000,
}
REQUIRED_TEXT = ("device", "manufacturer")
REASON_LIMIT = 2000
COMMENTS_LIMIT = 5000
FIELDS = (
    *TEXT_LIMITS,
    "ce_marked",
    "uf",
    "domain",
    "expert",
    "plan_line",
    "planned_start",
    "planned_return",
)


class Refused(UserError):
    """A change to a trial refused: who may not (403), its state or someone meanwhile (409),
    or what was typed (400)."""


def _text(value: Any, field: str, limit: int) -> str:
    text = str(value or "").strip()
    if "\x00" in text:
        raise Refused(field, _("contains a character that is not text"))
    if len(text) > limit:
        raise Refused(field, _("is too long (%(limit)s characters at most)") % {"limit": limit})
    return text


def _date(value: Any, field: str, *, required: bool = True) -> date | None:
    if value in (None, ""):
        if required:
            raise Refused(field, _("this date is required"))
        return None
    if not isinstance(value, date):
        raise Refused(field, _("not a date (dd/mm/yyyy)"))
    if not EARLIEST <= value <= LATEST:
        raise Refused(field, _("must be between 2000 and 2100"))
    return value


def _cleaned(data: dict[str, Any], *, by: User, current: Trial | None = None) -> dict[str, Any]:
    """Every field of a trial checked, each refusal naming its field (``current``: the trial
    changed, which keeps its plan line even once that line is closed)."""
    cleaned: dict[str, Any] = {}
    for field, limit in TEXT_LIMITS.items():
        cleaned[field] = _text(data.get(field), field, limit)
    for field in REQUIRED_TEXT:
        if not cleaned[field]:
            raise Refused(field, _("this field is required"))
    if cleaned["contact_email"]:
        try:
            validate_email(cleaned["contact_email"])
        except ValidationError as error:
            raise Refused("contact_email", _("not an e-mail address")) from error
    cleaned["ce_marked"] = bool(data.get("ce_marked"))
    uf = data.get("uf")
    if not isinstance(uf, FunctionalUnit):
        raise Refused("uf", _("choose the UF that tries the device"))
    cleaned["uf"] = uf
    domain = data.get("domain")
    if domain is not None and not isinstance(domain, ExpertiseDomain):
        raise Refused("domain", _("not an expertise domain"))
    line = data.get("plan_line")
    if line is not None:
        kept = (
            current is not None and isinstance(line, PlanLine) and line.pk == current.plan_line_id
        )
        if not kept and (
            not isinstance(line, PlanLine) or not linkable_lines(by).filter(pk=line.pk).exists()
        ):
            raise Refused("plan_line", _("not an open equipment plan line you follow"))
        if domain is None:
            domain = line.request.domain
    cleaned["plan_line"] = line
    cleaned["domain"] = domain
    start = _date(data.get("planned_start"), "planned_start")
    back = _date(data.get("planned_return"), "planned_return")
    assert start is not None and back is not None
    if back < start:
        raise Refused("planned_return", _("the return cannot come before the start"))
    cleaned["planned_start"], cleaned["planned_return"] = start, back
    expert = data.get("expert")
    if not isinstance(expert, User):
        raise Refused("expert", _("choose the expert in charge"))
    cleaned["expert"] = expert
    return cleaned


def _check_scope(trial: Trial, *, by: User) -> None:
    """The expert in charge, and the person acting, must both cover the trial."""
    if not trial.expert.is_active or not has_permission(trial.expert, Action.MANAGE_TRIALS, trial):
        raise Refused("expert", _("this person is not an expert for this UF and domain"))
    if not rules.may_manage(by, trial):
        raise Refused(
            "domain",
            _("you would not manage this trial: choose an expertise domain of yours"),
            status=403,
        )


def _event(trial: Trial, action: str, by: User, reason: str = "", **data: Any) -> None:
    TrialEvent.objects.create(trial=trial, action=action, actor=by, reason=reason, data=data)


@transaction.atomic
def create_trial(data: dict[str, Any], *, by: User) -> Trial:
    """A trial asked of a manufacturer, by the biomedical team."""
    if not rules.may_create(by):
        raise Refused("trial", _("only the biomedical team runs trials"), status=403)
    trial = Trial(created_by=by, **_cleaned(data, by=by))
    _check_scope(trial, by=by)
    trial.save()
    _event(trial, "create", by)
    return trial


def _locked(trial: Trial, expected_version: int | None) -> Trial:
    locked = (
        Trial.objects.select_for_update(of=("self",))
        .select_related("uf__service__pole", "expert")
        .get(pk=trial.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise Refused(
            "version", _("someone changed this trial since you opened it: reload it"), status=409
        )
    return locked


def _save(trial: Trial, **fields: Any) -> Trial:
    Trial.objects.filter(pk=trial.pk).update(
        version=F("version") + 1, updated=timezone.now(), **fields
    )
    trial.refresh_from_db()
    return trial


@transaction.atomic
def update_trial(
    trial: Trial, data: dict[str, Any], *, by: User, expected_version: int | None = None
) -> Trial:
    """Change the trial's details (not its state), while it is not over."""
    trial = _locked(trial, expected_version)
    rules.require_edit(by, trial)
    cleaned = _cleaned(data, by=by, current=trial)
    for field, value in cleaned.items():
        setattr(trial, field, value)
    _check_scope(trial, by=by)
    if trial.delivered_on and trial.returned_on and trial.returned_on < trial.delivered_on:
        raise Refused("returned_on", _("the return cannot come before the delivery"))
    return _save(trial, **cleaned)


@transaction.atomic
def change_state(
    trial: Trial,
    action: str,
    *,
    by: User,
    on: date | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Trial:
    """Move the trial on (``rules.TRANSITIONS``). Delivery needs the loan agreement and the
    insurance certificate; delivery and return are dated (today unless said)."""
    trial = _locked(trial, expected_version)
    transition = rules.require_transition(by, trial, action)
    reason = _text(reason, "reason", REASON_LIMIT)
    on = _date(on, "on", required=False)
    today = timezone.localdate()
    if on is not None and on > today and action in ("deliver", "return"):
        # Both record what happened; a date to come is a planned one (the trial's form).
        raise Refused("on", _("cannot be in the future"))
    fields: dict[str, Any] = {"state": transition.target}
    if action == "deliver":
        missing = missing_documents(trial)
        if missing:
            names = ", ".join(str(DocumentKind(kind).label).lower() for kind in missing)
            raise Refused(
                "documents",
                _("the device cannot be delivered before these documents are added: %(names)s")
                % {"names": names},
                status=409,
            )
        fields["delivered_on"] = on or today
    elif action == "return":
        returned = on or today
        if trial.delivered_on and returned < trial.delivered_on:
            raise Refused(
                "on",
                _("the return cannot come before the delivery (%(date)s)")
                % {"date": trial.delivered_on.strftime("%d/%m/%Y")},
            )
        fields["returned_on"] = returned
    elif action in ("refuse", "cancel") and not reason:
        raise Refused("reason", _("say why"))
    trial = _save(trial, **fields)
    dated = fields.get("delivered_on") or fields.get("returned_on") or on
    _event(trial, action, by, reason=reason, on=dated.isoformat() if dated else "")
    return trial


@transaction.atomic
def add_document(trial: Trial, upload: UploadedFile, kind: str, *, by: User) -> TrialDocument:
    """A document of the trial, saying which it is (the loan agreement, say)."""
    trial = _locked(trial, None)
    if not rules.may_manage(by, trial):
        raise Refused("file", _("only the biomedical team adds a trial's documents"), status=403)
    if kind not in DocumentKind.values:
        raise Refused("kind", _("choose which document this is"))
    document = attach(trial, upload, by=by)
    return TrialDocument.objects.create(trial=trial, document=document, kind=kind)


def _scores(values: dict[str, Any], names: tuple[str, ...]) -> dict[str, int]:
    scores = {}
    for name in names:
        raw = values.get(name)
        text = str(raw if raw is not None else "").strip()
        if not (text.isascii() and text.isdigit() and len(text) == 1 and 1 <= int(text) <= 5):
            raise Refused(name, _("give a score from 1 to 5"))
        scores[name] = int(text)
    return scores


@transaction.atomic
def evaluate_clinically(trial: Trial, values: dict[str, Any], *, by: User) -> ClinicalEvaluation:
    """One person of the trying UF says what they thought (again: their opinion changes)."""
    trial = _locked(trial, None)
    if rules.TrialRole.EVALUATOR not in rules.roles_on(by, trial):
        raise Refused(
            "evaluation", _("only the people of the trying UF evaluate it clinically"), status=403
        )
    if trial.state not in rules.EVALUATED_STATES:
        raise Refused("evaluation", _("the device has not been tried yet"), status=409)
    scores = _scores(values, ClinicalEvaluation.SCORES)
    comments = _text(values.get("comments"), "comments", COMMENTS_LIMIT)
    evaluation, _created = ClinicalEvaluation.objects.update_or_create(
        trial=trial, evaluator=by, defaults={**scores, "comments": comments}
    )
    return evaluation


@transaction.atomic
def evaluate_technically(trial: Trial, values: dict[str, Any], *, by: User) -> TechnicalEvaluation:
    """The expert in charge's evaluation (one per trial, changed in place)."""
    trial = _locked(trial, None)
    if rules.TrialRole.IN_CHARGE not in rules.roles_on(by, trial):
        raise Refused(
            "evaluation", _("only the expert in charge evaluates it technically"), status=403
        )
    if trial.state not in rules.EVALUATED_STATES:
        raise Refused("evaluation", _("the device has not been tried yet"), status=409)
    scores = _scores(values, TechnicalEvaluation.SCORES)
    comments = _text(values.get("comments"), "comments", COMMENTS_LIMIT)
    evaluation, _created = TechnicalEvaluation.objects.update_or_create(
        trial=trial, defaults={**scores, "comments": comments, "evaluator": by}
    )
    return evaluation
