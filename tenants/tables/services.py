"""Changing what a person keeps of a list page, saved views, and exports to XLSX."""

from __future__ import annotations

import logging
import tempfile
from typing import Any

from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from saas.errors import UserError
from tenants.accounts.models import User
from tenants.tables.listing import (
    PAGES,
    ListPage,
    ResolvedList,
    all_columns,
    clean_params,
    column_set,
    columns_for,
    export_columns,
    export_values,
    resolve,
)
from tenants.tables.models import ExportJob, SavedView, TablePreference
from tenants.tables.xlsx import write_xlsx

logger = logging.getLogger(__name__)
# Above this many rows an export is built by a worker rather than inside the request.
INLINE_EXPORT_ROWS = 3000
MAX_WIDTH = 1200


class ViewRefused(UserError):
    """A saved view that cannot be saved (no name) or deleted (another person's, 403)."""


class ColumnSetRefused(UserError):
    """A column set the page does not have."""


def preference(user: User, page: ListPage) -> TablePreference:
    found = TablePreference.objects.filter(user=user, page=page.key).first()
    return found or TablePreference(user=user, page=page.key)


def remember_query(prefs: TablePreference, query: str) -> None:
    if prefs.query != query:
        prefs.query = query[:2000]
        prefs.save()


def reset_preferences(user: User, page: ListPage) -> None:
    TablePreference.objects.filter(user=user, page=page.key).delete()


def save_columns(user: User, page: ListPage, columns: list[str]) -> TablePreference:
    prefs = preference(user, page)
    prefs.columns = columns_for(page, user, columns)
    prefs.save()
    return prefs


def choose_column_set(user: User, page: ListPage, key: str) -> TablePreference:
    """The set's columns become the person's own (the column chooser still adjusts them)."""
    chosen = column_set(page, key)
    if chosen is None:
        raise ColumnSetRefused("set", _("this list has no such column set"))
    return save_columns(user, page, list(chosen.columns))


def save_widths(user: User, page: ListPage, widths: dict[str, Any]) -> TablePreference:
    """Merge widths (pixels) into the saved ones; unknown columns and absurd values are dropped."""
    known = {name for name, _header in all_columns(page)}
    prefs = preference(user, page)
    merged = dict(prefs.widths)
    for name, value in widths.items():
        if name in known and isinstance(value, int | float) and 20 <= value <= MAX_WIDTH:
            merged[name] = int(value)
    prefs.widths = merged
    prefs.save()
    return prefs


def save_view(user: User, page: ListPage, *, name: str, query: str, is_shared: bool) -> SavedView:
    name = name.strip()
    if not name:
        raise ViewRefused("name", _("give the view a name"))
    prefs = preference(user, page)
    params = clean_params(QueryDict(query))
    view, _created = SavedView.objects.update_or_create(
        page=page.key,
        owner=user,
        name=name[:100],
        defaults={
            "query": params.urlencode()[:2000],
            "columns": columns_for(page, user, prefs.columns),
            "is_shared": is_shared,
        },
    )
    return view


def views_for(user: User, page: ListPage) -> list[SavedView]:
    from django.db.models import Q

    return list(
        SavedView.objects.filter(Q(owner=user) | Q(is_shared=True), page=page.key).select_related(
            "owner"
        )
    )


def apply_view(user: User, view: SavedView) -> str:
    """Take the view's columns as the person's own; returns the query to go to."""
    page = PAGES[view.page]
    prefs = preference(user, page)
    prefs.columns = columns_for(page, user, view.columns)
    prefs.query = view.query
    prefs.save()
    return view.query


def delete_view(user: User, view: SavedView) -> None:
    if view.owner_id != user.pk:
        raise ViewRefused("by", _("only the person who saved a view can delete it"), status=403)
    view.delete()


def export_filename(page: ListPage) -> str:
    return f"{slugify(str(page.title)) or 'export'}-{timezone.localdate():%Y-%m-%d}.xlsx"


def write_export(resolved: ResolvedList, target: Any) -> int:
    columns = export_columns(resolved)
    return write_xlsx(target, str(resolved.page.title), columns, export_values(resolved, columns))


def start_export(user: User, resolved: ResolvedList) -> ExportJob:
    from tenants.tables.tasks import run_export_task

    job = ExportJob.objects.create(
        page=resolved.page.key,
        query=resolved.query,
        columns=resolved.columns,
        created_by=user,
    )
    transaction.on_commit(lambda: run_export_task.delay(job.pk))
    return job


def run_export(job_id: int) -> ExportJob:
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().get(pk=job_id)
        if job.state != ExportJob.State.QUEUED:
            return job
        job.state = ExportJob.State.RUNNING
        job.save(update_fields=["state"])
    page = PAGES[job.page]
    prefs = preference(job.created_by, page)
    resolved = resolve(page, job.created_by, QueryDict(job.query), job.columns, prefs.widths)
    try:
        with tempfile.TemporaryFile() as target:
            job.rows = write_export(resolved, target)
            target.seek(0)
            job.file.save(export_filename(page), File(target), save=False)
        job.state = ExportJob.State.DONE
    except Exception:
        logger.exception("export %s failed", job.pk)
        job.state = ExportJob.State.FAILED
    job.finished = timezone.now()
    job.save(update_fields=["state", "rows", "file", "finished"])
    return job
