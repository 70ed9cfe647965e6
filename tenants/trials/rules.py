"""Who may do what to a trial, in which state: one table, read by the page and the services.

A person's *roles on a trial* come from their grants on its scope (its UF and expertise
domain):

- ``manager``: an expert whose scope covers the trial (the biomedical team runs trials);
- ``administrator``: the tenant's administrator;
- ``evaluator``: a requester or head of pôle of the trying UF (the clinical evaluation);
- ``in_charge``: the trial's own expert, while still an expert covering it (the technical
  evaluation).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tenants.access.permissions import Action, has_permission
from tenants.trials.models import Trial, TrialState

S = TrialState


class TrialRole(StrEnum):
    MANAGER = "manager"
    ADMINISTRATOR = "administrator"
    EVALUATOR = "evaluator"
    IN_CHARGE = "in_charge"


@dataclass(frozen=True)
class Transition:
    action: str
    label: Any
    sources: frozenset[str]
    target: str
    css: str = "btn-outline-primary"


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("agree", gettext_lazy("Agree to the trial"), frozenset({S.REQUESTED}), S.AGREED),
        Transition(
            "refuse",
            gettext_lazy("Refuse the trial"),
            frozenset({S.REQUESTED}),
            S.REFUSED,
            "btn-outline-danger",
        ),
        Transition(
            "deliver", gettext_lazy("Record the delivery"), frozenset({S.AGREED}), S.DELIVERED
        ),
        Transition("start", gettext_lazy("Start the trial"), frozenset({S.DELIVERED}), S.IN_TRIAL),
        Transition(
            "return",
            gettext_lazy("Record the return"),
            frozenset({S.DELIVERED, S.IN_TRIAL}),
            S.RETURNED,
        ),
        Transition(
            "buy",
            gettext_lazy("Record the purchase"),
            frozenset({S.IN_TRIAL, S.RETURNED}),
            S.BOUGHT,
            "btn-outline-success",
        ),
        Transition(
            "cancel",
            gettext_lazy("Cancel the trial"),
            frozenset({S.REQUESTED, S.AGREED}),
            S.CANCELLED,
            "btn-outline-danger",
        ),
    )
}
# The trial's details may change until the device is back (or the trial ended otherwise).
EDITABLE_STATES = frozenset({S.REQUESTED, S.AGREED, S.DELIVERED, S.IN_TRIAL})
# The device is at the hospital, or was: the UF can say what it thought of it.
EVALUATED_STATES = frozenset({S.IN_TRIAL, S.RETURNED, S.BOUGHT})
# Delivered on the strength of its required documents: they stay (``keeps_document``).
DOCUMENTS_KEPT_STATES = frozenset({S.DELIVERED, S.IN_TRIAL, S.RETURNED, S.BOUGHT})
# Still lent: the return date matters.
LENT_STATES = frozenset({S.DELIVERED, S.IN_TRIAL})


def is_overdue(trial: Trial) -> bool:
    """Still lent after its planned return date."""
    return trial.state in LENT_STATES and trial.planned_return < timezone.localdate()


def roles_on(user: Any, trial: Trial) -> set[TrialRole]:
    roles = set()
    if has_permission(user, Action.MANAGE_TRIALS, trial):
        roles.add(TrialRole.MANAGER)
        if trial.expert_id == getattr(user, "pk", None):
            roles.add(TrialRole.IN_CHARGE)
    if has_permission(user, Action.ADMINISTER_TENANT):
        roles.add(TrialRole.ADMINISTRATOR)
    if has_permission(user, Action.EVALUATE_TRIALS, trial):
        roles.add(TrialRole.EVALUATOR)
    return roles


def may_manage(user: Any, trial: Trial) -> bool:
    return bool({TrialRole.MANAGER, TrialRole.ADMINISTRATOR} & roles_on(user, trial))


def may_create(user: Any) -> bool:
    return has_permission(user, Action.MANAGE_TRIALS) or has_permission(
        user, Action.ADMINISTER_TENANT
    )


def transitions_for(user: Any, trial: Trial) -> list[Transition]:
    """The state changes this person may make now (the page's buttons)."""
    if not may_manage(user, trial):
        return []
    return [t for t in TRANSITIONS.values() if trial.state in t.sources]


def require_transition(user: Any, trial: Trial, action: str) -> Transition:
    from tenants.trials.services import Refused

    transition = TRANSITIONS.get(action)
    if transition is None:
        raise Refused("action", _("unknown action"))
    if not may_manage(user, trial):
        raise Refused("action", _("only the biomedical team runs trials"), status=403)
    if trial.state not in transition.sources:
        raise Refused(
            "state",
            _("this trial is %(state)s: it cannot be %(target)s")
            % {
                "state": str(TrialState(trial.state).label).lower(),
                "target": str(TrialState(transition.target).label).lower(),
            },
            status=409,
        )
    return transition


def require_edit(user: Any, trial: Trial) -> None:
    from tenants.trials.services import Refused

    if not may_manage(user, trial):
        raise Refused("trial", _("only the biomedical team changes a trial"), status=403)
    if trial.state not in EDITABLE_STATES:
        raise Refused("trial", _("this trial is over: it can no longer change"), status=409)


def may_evaluate_clinically(user: Any, trial: Trial) -> bool:
    return TrialRole.EVALUATOR in roles_on(user, trial) and trial.state in EVALUATED_STATES


def may_evaluate_technically(user: Any, trial: Trial) -> bool:
    return TrialRole.IN_CHARGE in roles_on(user, trial) and trial.state in EVALUATED_STATES


def keeps_document(trial: Trial, document: Any) -> bool:
    """A required document (the loan agreement, the insurance) stays once the device was
    delivered on the strength of it."""
    from tenants.trials.models import REQUIRED_KINDS, TrialDocument

    if trial.state not in DOCUMENTS_KEPT_STATES:
        return False
    kind = TrialDocument.objects.filter(document=document).values_list("kind", flat=True).first()
    return kind in REQUIRED_KINDS
