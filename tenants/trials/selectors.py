"""Reads of trials shared by the pages, the plan line's section and the reminders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Model, Q, QuerySet
from django.utils.text import capfirst

from tenants.access.models import Role, ScopeKind
from tenants.access.permissions import Action, scope_filter
from tenants.accounts.models import User
from tenants.documents.models import Document
from tenants.documents.services import documents_of as attached_to
from tenants.documents.services import may_remove
from tenants.plan.models import PlanLine
from tenants.trials import rules
from tenants.trials.models import (
    REQUIRED_KINDS,
    ClinicalEvaluation,
    DocumentKind,
    TechnicalEvaluation,
    Trial,
    TrialDocument,
    TrialEvent,
)


def trials_for(user: Any) -> QuerySet[Trial]:
    """The trials on the person's scopes: their UF's, or their expertise domain's."""
    keep = scope_filter(user, Action.VIEW_TRIALS, "uf", domain_path="domain_id")
    return Trial.objects.filter(keep).select_related(
        "uf__service__pole__establishment", "expert", "domain", "plan_line"
    )


def trials_of_line(line: PlanLine, user: Any) -> QuerySet[Trial]:
    return trials_for(user).filter(plan_line=line).order_by("planned_start", "pk")


def expert_candidates(domain_id: int | None = None) -> QuerySet[User]:
    """Who may be in charge of a trial: the active experts of the whole tenant, or of its
    expertise domain (all experts when the domain is not known yet)."""
    covers = Q(grants__scope=ScopeKind.TENANT)
    if domain_id is not None:
        covers |= Q(grants__scope=ScopeKind.DOMAIN, grants__domain_id=domain_id)
    else:
        covers |= Q(grants__scope=ScopeKind.DOMAIN)
    return (
        User.objects.filter(covers, grants__role=Role.EXPERT, is_active=True)
        .distinct()
        .order_by("full_name", "email")
    )


def linkable_lines(user: Any) -> QuerySet[PlanLine]:
    """The open equipment plan lines a trial may be the trials step of."""
    keep = scope_filter(user, Action.FOLLOW_PLAN, "uf", domain_path="request__domain_id")
    return (
        PlanLine.objects.filter(keep, closed=False, nature="equipment")
        .select_related("request")
        .order_by("-year", "reference")
    )


@dataclass(frozen=True)
class KindedDocument:
    document: Document
    kind: str
    kind_label: str
    removable: bool


def documents_of(trial: Trial, user: Any) -> list[KindedDocument]:
    """Every document of the trial with its kind; one added through the generic attachments
    (no kind said) is an "other" document."""
    kinds = dict(TrialDocument.objects.filter(trial=trial).values_list("document_id", "kind"))
    found = []
    for document in attached_to(trial):
        kind = kinds.get(document.pk, DocumentKind.OTHER)
        label = str(DocumentKind(kind).label)
        removable = may_remove(document, user) and not (
            kind in REQUIRED_KINDS and trial.state in rules.DOCUMENTS_KEPT_STATES
        )
        found.append(KindedDocument(document, kind, label, removable))
    return found


def missing_documents(trial: Trial) -> list[str]:
    """The kinds required before delivery that no document of the trial is."""
    present = set(TrialDocument.objects.filter(trial=trial).values_list("kind", flat=True))
    return [kind for kind in REQUIRED_KINDS if kind not in present]


def events_of(trial: Trial) -> QuerySet[TrialEvent]:
    return trial.events.select_related("actor")


def _label(model: type[Model], name: str) -> str:
    return str(capfirst(getattr(model._meta.get_field(name), "verbose_name", name)))


@dataclass(frozen=True)
class Criterion:
    """One criterion as the page shows it: its name, the average, each evaluator's score."""

    label: str
    average: float | None
    scores: list[int]


@dataclass(frozen=True)
class Evaluations:
    clinical: list[ClinicalEvaluation]
    clinical_averages: dict[str, float | None]
    technical: TechnicalEvaluation | None

    @property
    def clinical_rows(self) -> list[Criterion]:
        return [
            Criterion(
                _label(ClinicalEvaluation, name),
                self.clinical_averages.get(name),
                [getattr(e, name) for e in self.clinical],
            )
            for name in ClinicalEvaluation.SCORES
        ]

    @property
    def technical_rows(self) -> list[Criterion]:
        technical = self.technical
        if technical is None:
            return []
        return [
            Criterion(
                _label(TechnicalEvaluation, name),
                getattr(technical, name),
                [getattr(technical, name)],
            )
            for name in TechnicalEvaluation.SCORES
        ]


def evaluations_of(trial: Trial) -> Evaluations:
    clinical = list(ClinicalEvaluation.objects.filter(trial=trial).select_related("evaluator"))
    averages = ClinicalEvaluation.objects.filter(trial=trial).aggregate(
        **{name: Avg(name) for name in ClinicalEvaluation.SCORES}
    )
    technical = TechnicalEvaluation.objects.filter(trial=trial).select_related("evaluator").first()
    return Evaluations(clinical, averages, technical)
