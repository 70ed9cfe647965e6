"""Opens a change context around every Celery task: source task, import or sync, and its name."""

from __future__ import annotations

from typing import Any

import pghistory
from celery import signals
from pghistory import runtime

# Tasks whose changes are an import or a sync rather than a generic background task.
SOURCE_BY_TASK_PREFIX = (
    ("tenants.imports.", "import"),
    ("tenants.mirror.", "sync"),
)


def source_of(task_name: str) -> str:
    for prefix, source in SOURCE_BY_TASK_PREFIX:
        if task_name.startswith(prefix):
            return source
    return "task"


@signals.task_prerun.connect
def open_context(task_id: str, task: Any, **kwargs: Any) -> None:
    # An eager task (tests, CELERY_TASK_ALWAYS_EAGER) runs inside the request that sent it:
    # its changes belong to that request's context, which must not be relabelled.
    if hasattr(runtime._tracker, "value"):
        return
    context = pghistory.context(source=source_of(task.name), task=task.name, task_id=task_id)
    context.__enter__()
    task.request.audit_context = context


@signals.task_postrun.connect
def close_context(task_id: str, task: Any, **kwargs: Any) -> None:
    context = getattr(task.request, "audit_context", None)
    if context is not None:
        task.request.audit_context = None
        context.__exit__(None, None, None)
