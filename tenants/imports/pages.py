"""The three pages every file import has: the upload form (with the tenant's saved column
mapping), the job's page (polled while a worker checks the file, then its report) and the
button that applies a dry run for real.

Each importing app declares one ``ImportPages`` and wraps its methods in views carrying its own
permission; its templates are ``<app>/import.html``, ``<app>/import_job.html`` and
``<app>/_import_job.html`` (which extends ``imports/_import_job.html``), its URL names
``<app>:import_job`` and ``<app>:import_apply``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from tenants.accounts.models import User
from tenants.imports.forms import ImportForm
from tenants.imports.models import ImportJob, ImportMapping
from tenants.imports.services import ApplyRefused, apply_dry_run, job_progress, start_import


@dataclass(frozen=True)
class ImportPages:
    kind: str  # an ImportJob.Kind, also the saved mapping's key
    form_class: type[ImportForm]
    app: str  # URL namespace and template folder
    # The imports app's own pages serve every tabular kind: their URLs carry the kind, their
    # templates are in a folder of their own.
    folder: str = ""
    url_kwargs: tuple[tuple[str, str], ...] = ()

    def _job_redirect(self, pk: int) -> HttpResponse:
        kwargs: dict[str, Any] = {"pk": pk, **dict(self.url_kwargs)}
        return redirect(f"{self.app}:import_job", **kwargs)

    def _template(self, name: str) -> str:
        return f"{self.folder or self.app}/{name}"

    def upload(self, request: HttpRequest, extra: dict[str, Any] | None = None) -> HttpResponse:
        """Upload a file; a worker checks it (and applies it unless it is a dry run)."""
        kept, _created = ImportMapping.objects.get_or_create(kind=self.kind)
        form = self.form_class(request.POST or None, request.FILES or None, mapping=kept.mapping)
        if request.method == "POST" and form.is_valid():
            kept.mapping = form.mapping()
            kept.save(update_fields=["mapping", "updated"])
            job = start_import(
                self.kind,
                form.cleaned_data["file"],
                mapping=kept.mapping,
                dry_run=form.cleaned_data["dry_run"],
                by=cast(User, request.user),
            )
            return self._job_redirect(job.pk)
        jobs = ImportJob.objects.filter(kind=self.kind).select_related("created_by")[:10]
        return render(
            request,
            self._template("import.html"),
            {"form": form, "jobs": jobs, **(extra or {})},
            status=400 if form.errors else 200,
        )

    def job(
        self, request: HttpRequest, pk: int, extra: dict[str, Any] | None = None
    ) -> HttpResponse:
        """The job's progress, then its report: the report alone for htmx's polling."""
        job = get_object_or_404(ImportJob, pk=pk, kind=self.kind)
        context = {"job": job, "progress": job_progress(job), **(extra or {})}
        partial = "_import_job.html" if getattr(request, "htmx", None) else "import_job.html"
        return render(request, self._template(partial), context)

    def apply(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Import for real the file a dry run checked."""
        dry_run = get_object_or_404(ImportJob, pk=pk, kind=self.kind)
        try:
            job = apply_dry_run(dry_run, by=cast(User, request.user))
        except ApplyRefused as refused:
            messages.error(request, refused.reason)
            return self._job_redirect(dry_run.pk)
        return self._job_redirect(job.pk)
