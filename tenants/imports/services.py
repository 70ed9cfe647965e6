"""Running imports as jobs: queue the file, run it in a worker, show its progress.

The import itself stays all-or-nothing (each kind's import function); the job only records
the outcome. Progress lives in the cache (written by the worker while the import's own
transaction is still open, so it cannot live in the job row) and is read by the job page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from saas.audit import annotate
from tenants.accounts.models import User
from tenants.imports.models import ImportJob
from tenants.imports.reader import Problem

logger = logging.getLogger(__name__)
PROBLEMS_KEPT = 1000


def _importer(kind: str) -> tuple[Callable[..., Any], type[Exception]]:
    if kind == ImportJob.Kind.INVENTORY:
        from tenants.inventory.imports import ImportRefused, import_inventory

        return import_inventory, ImportRefused
    raise ValueError(f"no importer for {kind!r}")


def start_import(
    kind: str, upload: UploadedFile, *, mapping: dict[str, str], dry_run: bool, by: User
) -> ImportJob:
    """Store the file and queue its import; the worker picks it up once this commits."""
    from tenants.imports.tasks import run_import_task

    job = ImportJob.objects.create(
        kind=kind,
        file=upload,
        filename=upload.name or "import",
        mapping=mapping,
        dry_run=dry_run,
        created_by=by,
    )
    transaction.on_commit(lambda: run_import_task.delay(job.pk))
    return job


def progress_key(job_id: int) -> str:
    return f"import-progress:{job_id}"


def job_progress(job: ImportJob) -> dict[str, Any] | None:
    """{"phase": "check"|"write", "done": n, "total": n} while the job runs."""
    if job.is_finished:
        return None
    return cache.get(progress_key(job.pk))


def run_import(job_id: int) -> ImportJob:
    """Run a queued job once; a job already run (a redelivered task) is left as it is."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.state != ImportJob.State.QUEUED:
            return job
        job.state = ImportJob.State.RUNNING
        job.save(update_fields=["state"])
    # The rows the import writes are the work of whoever started it, from an import.
    annotate(
        source="import",
        user=job.created_by_id,
        user_label=str(job.created_by) if job.created_by_id else None,
        import_job=job.pk,
    )
    importer, refused = _importer(job.kind)

    def progress(phase: str, done: int, total: int) -> None:
        cache.set(progress_key(job.pk), {"phase": phase, "done": done, "total": total}, 3600)

    try:
        with job.file.open("rb") as stored:
            data = stored.read()
        report = importer(
            data, job.filename, mapping=job.mapping, dry_run=job.dry_run, progress=progress
        )
    except refused as exc:
        problems: list[Problem] = exc.problems  # type: ignore[attr-defined]
        job.state = ImportJob.State.REFUSED
        job.problem_count = len(problems)
        job.problems = [[p.line, p.column, p.reason] for p in problems[:PROBLEMS_KEPT]]
    except Exception:
        logger.exception("import job %s failed", job.pk)
        job.state = ImportJob.State.FAILED
        job.problems = [[None, None, "unexpected error; the team was told. Nothing was changed."]]
        job.problem_count = 1
    else:
        job.state = ImportJob.State.DONE
        job.report = report.as_dict()
    job.finished = timezone.now()
    job.save(update_fields=["state", "report", "problems", "problem_count", "finished"])
    cache.delete(progress_key(job.pk))
    return job
