"""Running imports as jobs: queue the file, run it in a worker, show its progress.

The import itself stays all-or-nothing (each kind's import function); the job only records
the outcome. Progress lives in the cache (written by the worker while the import's own
transaction is still open, so it cannot live in the job row) and is read by the job page.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from saas.audit import annotate
from saas.errors import UserError
from tenants.accounts.models import User
from tenants.imports.models import ImportAPIKey, ImportJob
from tenants.imports.reader import ImportRefused, Problem
from tenants.imports.registry import importer_for

logger = logging.getLogger(__name__)
PROBLEMS_KEPT = 1000


def start_import(
    kind: str,
    upload: UploadedFile,
    *,
    mapping: dict[str, str],
    dry_run: bool,
    by: User | None,
    api_key_name: str = "",
) -> ImportJob:
    """Store the file and queue its import; the worker picks it up once this commits.

    A file pushed through the tenant API has no person behind it: ``api_key_name`` names the
    key it came with."""
    job = ImportJob.objects.create(
        api_key_name=api_key_name[:50],
        kind=kind,
        file=upload,
        filename=upload.name or "import",
        mapping=mapping,
        dry_run=dry_run,
        created_by=by,
        language=translation.get_language() or "",
    )
    _queue(job)
    return job


class ApplyRefused(UserError):
    """A dry run that cannot be applied as it is."""


def file_checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_changed_reason() -> str:
    return _("The file changed since its dry run: upload it again.")


@transaction.atomic
def apply_dry_run(dry_run: ImportJob, *, by: User) -> ImportJob:
    """Queue the import of a successful dry run's file for real, with the dry run's mapping.

    Refused when the job is not a successful dry run, when a real import of its file is
    running or done (one refused or failed changed nothing: applying again is allowed), or when
    the stored file is no longer the one the dry run checked (the worker checks it again
    before it writes anything)."""
    # Locked: two clicks on the button queue one import, not two.
    dry_run = ImportJob.objects.select_for_update().get(pk=dry_run.pk)
    if not dry_run.dry_run or dry_run.state != ImportJob.State.DONE:
        raise ApplyRefused("", _("Only a dry run that found no problem can be applied."))
    if dry_run.was_applied:
        raise ApplyRefused("", _("This dry run was applied already."), status=409)
    try:
        with dry_run.file.open("rb") as stored:
            current = file_checksum(stored.read())
    except OSError:
        current = ""
    if not dry_run.checksum or current != dry_run.checksum:
        raise ApplyRefused("", file_changed_reason(), status=409)
    job = ImportJob.objects.create(
        kind=dry_run.kind,
        file=dry_run.file.name,  # the same stored file, not a copy
        filename=dry_run.filename,
        mapping=dry_run.mapping,
        dry_run=False,
        checksum=dry_run.checksum,
        created_by=by,
        language=translation.get_language() or "",
    )
    _queue(job)
    return job


def _queue(job: ImportJob) -> None:
    from tenants.imports.tasks import run_import_task

    transaction.on_commit(lambda: run_import_task.delay(job.pk))


def progress_key(job_id: int) -> str:
    return f"import-progress:{job_id}"


def job_progress(job: ImportJob) -> dict[str, Any] | None:
    """{"phase": "check"|"write", "done": n, "total": n} while the job runs."""
    if job.is_finished:
        return None
    return cache.get(progress_key(job.pk))


def run_import(job_id: int) -> ImportJob:
    """Run a queued job once; a job already run (a redelivered task) is left as it is.

    Whatever happens in between, the job ends finished: an exception anywhere (no importer
    for its kind, its file gone, a database error while keeping the report) ends it as
    failed with the reason shown on its page, never "running" for ever.

    The problems are written in the language of the person who started the job.
    """
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.state != ImportJob.State.QUEUED:
            return job
        job.state = ImportJob.State.RUNNING
        job.save(update_fields=["state"])
    applied = False
    # The rows the import writes are the work of whoever started it, from an import.
    annotate(
        source="import",
        user=job.created_by_id,
        user_label=str(job.created_by) if job.created_by_id else None,
        import_job=job.pk,
    )
    language = job.language or settings.LANGUAGE_CODE
    try:
        importer = importer_for(job.kind).run

        def progress(phase: str, done: int, total: int) -> None:
            cache.set(progress_key(job.pk), {"phase": phase, "done": done, "total": total}, 3600)

        try:
            with job.file.open("rb") as stored:
                data = stored.read()
            checksum = file_checksum(data)
            if job.checksum and job.checksum != checksum:
                with translation.override(language):
                    raise ImportRefused([Problem(None, None, file_changed_reason())])
            job.checksum = checksum
            with translation.override(language):
                report = importer(
                    data, job.filename, mapping=job.mapping, dry_run=job.dry_run, progress=progress
                )
            applied = not job.dry_run
        except ImportRefused as exc:
            problems: list[Problem] = exc.problems
            job.state = ImportJob.State.REFUSED
            job.problem_count = len(problems)
            job.problems = [[p.line, p.column, p.reason] for p in problems[:PROBLEMS_KEPT]]
        else:
            job.state = ImportJob.State.DONE
            job.report = report.as_dict()
        job.finished = timezone.now()
        job.save(
            update_fields=["state", "report", "problems", "problem_count", "finished", "checksum"]
        )
    except Exception:
        logger.exception("import job %s failed", job.pk)
        with translation.override(language):
            reason = failure_reason(applied=applied)
        ImportJob.objects.filter(pk=job.pk).update(
            state=ImportJob.State.FAILED,
            report=None,
            problems=[[None, None, reason]],
            problem_count=1,
            finished=timezone.now(),
        )
    finally:
        cache.delete(progress_key(job.pk))
    job = ImportJob.objects.get(pk=job.pk)
    if job.api_key_name and job.state in (ImportJob.State.REFUSED, ImportJob.State.FAILED):
        with translation.override(language):
            tell_administrators(job)
    return job


def tell_administrators(job: ImportJob) -> int:
    """A file pushed through the API that was refused or failed: nobody watched its page, the
    tenant's administrators are told (the job keeps its problems)."""
    from tenants.access.selectors import tenant_administrators
    from tenants.notifications.services import notify

    try:
        importer = importer_for(job.kind)
        label = str(importer.label or job.kind)
        url = (
            reverse("imports:import_job", args=[job.kind, job.pk])
            if importer.spec is not None
            else reverse("imports:hub")
        )
    except LookupError:
        label, url = job.kind, reverse("imports:hub")
    subject = _("Import refused: %(what)s, file %(file)s pushed with the key %(key)s") % {
        "what": label,
        "file": job.filename,
        "key": job.api_key_name,
    }
    body = ngettext(
        "%(count)s problem; nothing was changed. The job keeps its report.",
        "%(count)s problems; nothing was changed. The job keeps its report.",
        job.problem_count,
    ) % {"count": job.problem_count}
    return notify(tenant_administrators(), subject=subject, url=url, body=body, kind="imports")


def failure_reason(*, applied: bool) -> str:
    """What the person reads on the job's page: that it failed, and what it changed. The
    exception itself (its class, an SQL statement...) goes to the log only."""
    if applied:
        return _("The file was imported, but its report could not be kept. The team has been told.")
    return _(
        "The import stopped on an unexpected error: nothing was changed. "
        "The team has been told; you may try again later."
    )


def create_import_key(name: str, kinds: list[str], *, by: User) -> tuple[ImportAPIKey, str]:
    """A key for pushing files through the tenant API; its secret is returned once only."""
    key, secret = ImportAPIKey.objects.create_key(name=name, kinds=sorted(kinds), created_by=by)
    return cast(ImportAPIKey, key), secret


def revoke_import_key(key: ImportAPIKey) -> ImportAPIKey:
    """Revoked, not deleted: its holder learns why it is refused, the jobs keep its name."""
    key.revoked = True
    key.save(update_fields=["revoked"])
    return key
