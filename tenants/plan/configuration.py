"""The tenant's follow-up steps per nature: its administrator renames, hides, adds and orders
them. A step that lines already use is never deleted (their history keeps it): it is hidden.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tenants.access.permissions import Action, has_permission
from tenants.accounts.models import User
from tenants.campaigns.models import Nature
from tenants.plan.models import PlanLine, StepDefinition
from tenants.plan.services import Refused
from tenants.plan.steps import MILESTONES

LABEL_LIMIT = 80
MAX_STEPS = 30  # per nature: beyond, a list of steps is no longer one a team follows


def _require_admin(by: User) -> None:
    if not has_permission(by, Action.ADMINISTER_TENANT):
        raise Refused("by", _("only the tenant's administrator changes the steps"), status=403)


def _label(text: str) -> str:
    label = " ".join(str(text or "").split())
    if "\x00" in label:
        raise Refused("label", _("contains a character that is not text"))
    if len(label) > LABEL_LIMIT:
        raise Refused(
            "label", _("is too long (%(limit)s characters at most)") % {"limit": LABEL_LIMIT}
        )
    return label


@transaction.atomic
def rename_step(definition: StepDefinition, label: str, *, by: User) -> StepDefinition:
    """A new name for a step; an empty one gives a default step its own name back."""
    _require_admin(by)
    label = _label(label)
    if not label and not definition.builtin:
        raise Refused("label", _("a step you added needs a name"))
    definition.label = label
    definition.save(update_fields=["label"])
    return definition


@transaction.atomic
def set_hidden(definition: StepDefinition, hidden: bool, *, by: User) -> StepDefinition:
    _require_admin(by)
    if hidden and MILESTONES.get(definition.code) == PlanLine.Status.COMMISSIONED:
        raise Refused(
            "hidden",
            _("this step puts a line in service: rename it rather than hide it"),
        )
    if hidden and not (
        StepDefinition.objects.filter(nature=definition.nature, hidden=False)
        .exclude(pk=definition.pk)
        .exists()
    ):
        raise Refused("hidden", _("a nature keeps at least one step"))
    definition.hidden = hidden
    definition.save(update_fields=["hidden"])
    return definition


@transaction.atomic
def add_step(nature: str, label: str, *, by: User) -> StepDefinition:
    """A step of the tenant's own, after the nature's last one."""
    _require_admin(by)
    if nature not in Nature.values:
        raise Refused("nature", _("not a nature"))
    label = _label(label)
    if not label:
        raise Refused("label", _("a step you added needs a name"))
    # Lock the nature's steps (it always has some): two administrators adding at once wait
    # for each other, so the code and the limit hold.
    existing = StepDefinition.objects.filter(nature=nature)
    list(existing.select_for_update())
    if existing.count() >= MAX_STEPS:
        raise Refused("label", _("a nature has %(limit)s steps at most") % {"limit": MAX_STEPS})
    base = slugify(label)[:30] or "step"
    code, n = f"own-{base}", 1
    while existing.filter(code=code).exists():
        n += 1
        code = f"own-{base}-{n}"
    last = existing.aggregate(last=Max("position"))["last"] or 0
    return StepDefinition.objects.create(
        nature=nature, code=code, label=label, position=last + 10, builtin=False
    )


@transaction.atomic
def move_step(definition: StepDefinition, up: bool, *, by: User) -> None:
    """Swap a step with the one before (``up``) or after it in its nature."""
    _require_admin(by)
    ordered = list(
        StepDefinition.objects.select_for_update()
        .filter(nature=definition.nature)
        .order_by("position", "pk")
    )
    index = next(i for i, d in enumerate(ordered) if d.pk == definition.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, step in enumerate(ordered, start=1):
        if step.position != position * 10:
            step.position = position * 10
            step.save(update_fields=["position"])
