"""The expert in charge is warned, once, before a lent device's return date and after it."""

from __future__ import annotations

import datetime

from django.utils import timezone

from tenants.notifications.models import Notification
from tenants.trials import reminders, tasks
from tenants.trials.models import Trial
from tests.tenants.trials.conftest import bring


def told(user, trial) -> list[str]:  # type: ignore[no-untyped-def]
    subjects = Notification.objects.filter(recipient=user).values_list("subject", flat=True)
    return [s for s in subjects if trial.reference in s]


def test_a_near_return_is_announced_once(chain, trial):
    expert = chain["users"]["expert"]
    trial = bring(trial, "in_trial", expert)
    back = trial.planned_return
    assert reminders.send_reminders(back - datetime.timedelta(days=4)) == 0
    assert reminders.send_reminders(back - datetime.timedelta(days=3)) == 1
    assert reminders.send_reminders(back - datetime.timedelta(days=1)) == 0  # once
    (subject,) = told(expert, trial)
    assert "retourne chez son fournisseur" in subject and back.strftime("%d/%m/%Y") in subject


def test_a_passed_return_is_recalled_once_per_date(chain, trial):
    expert = chain["users"]["expert"]
    trial = bring(trial, "delivered", expert)
    later = trial.planned_return + datetime.timedelta(days=1)
    assert reminders.send_reminders(later) == 1
    assert reminders.send_reminders(later + datetime.timedelta(days=5)) == 0
    assert any("aurait dû être rendu" in s for s in told(expert, trial))
    # Postponed with the supplier, then passed again: a new warning.
    Trial.objects.filter(pk=trial.pk).update(
        planned_return=trial.planned_return + datetime.timedelta(days=10)
    )
    assert reminders.send_reminders(later + datetime.timedelta(days=20)) == 1


def test_devices_not_lent_are_left_alone(chain, trial):
    expert = chain["users"]["expert"]
    late = trial.planned_return + datetime.timedelta(days=1)
    assert reminders.send_reminders(late) == 0  # requested: nothing lent yet
    trial = bring(trial, "in_trial", expert)
    from tenants.trials import services

    services.change_state(trial, "return", by=expert)
    assert reminders.send_reminders(late) == 0
    assert told(expert, trial) == []


def test_the_daily_task_runs_in_the_tenant(chain, trial):
    trial = bring(trial, "in_trial", chain["users"]["expert"])
    Trial.objects.filter(pk=trial.pk).update(
        planned_start=timezone.localdate() - datetime.timedelta(days=10),
        planned_return=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert tasks.send_reminders_task() == 1
