"""Upload, comment, download: each on an object the person may see, else 404."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tenants.accounts.models import User
from tenants.documents import registry
from tenants.documents.models import Document
from tenants.documents.services import DocumentRefused, attach, comment, remove_document


def _target(request: HttpRequest, key: str, pk: int):  # type: ignore[no-untyped-def]
    target = registry.visible_target(key, pk, request.user)
    if target is None:
        raise Http404("no such object")
    return target


def _back(target: object) -> HttpResponse:
    return redirect(f"{target.get_absolute_url()}#attachments")  # type: ignore[attr-defined]


@login_required
@require_POST
def upload(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    target = _target(request, key, pk)
    if not registry.may_add(key, target, request.user):
        # Seeing an object is not always enough: a trial's documents are its team's.
        refused = DocumentRefused("by", _("you may not add a document here"), status=403)
        context = {"target": target, "name": "", "refusal": refused}
        return render(request, "documents/refused.html", context, status=403)
    upload = request.FILES.get("file")
    if upload is None:
        refused = DocumentRefused("file", _("choose a file to add"))
        context = {"target": target, "name": "", "refusal": refused}
        return render(request, "documents/refused.html", context, status=400)
    try:
        attach(target, upload, by=cast(User, request.user))
    except DocumentRefused as refused:
        context = {"target": target, "name": upload.name, "refusal": refused}
        return render(request, "documents/refused.html", context, status=refused.status)
    messages.success(request, _("Document added: %(name)s.") % {"name": upload.name})
    return _back(target)


@login_required
@require_POST
def add_comment(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    target = _target(request, key, pk)
    try:
        comment(target, request.POST.get("text", ""), by=cast(User, request.user))
    except DocumentRefused as refused:
        context = {"target": target, "name": "", "refusal": refused}
        return render(request, "documents/refused.html", context, status=refused.status)
    return _back(target)


def _visible_document(request: HttpRequest, pk: int) -> tuple[Document, Any]:
    document = get_object_or_404(Document.objects.select_related("content_type"), pk=pk)
    key = registry.key_of_model(document.content_type.model_class())
    target = registry.visible_target(key, document.object_id, request.user) if key else None
    if target is None:
        raise Http404("no such document")
    return document, target


@login_required
def download(request: HttpRequest, pk: int) -> FileResponse:
    document, _target = _visible_document(request, pk)
    response = FileResponse(document.file.open("rb"), as_attachment=True, filename=document.name)
    response["Content-Type"] = document.mime_type
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    document, target = _visible_document(request, pk)
    if registry.kept(registry.key_of(target), target, document):
        refused = DocumentRefused("by", _("this document can no longer be removed"), status=409)
        context = {"target": target, "name": document.name, "refusal": refused}
        return render(request, "documents/refused.html", context, status=409)
    try:
        remove_document(document, by=cast(User, request.user))
    except DocumentRefused as refused:
        context = {"target": target, "name": document.name, "refusal": refused}
        return render(request, "documents/refused.html", context, status=refused.status)
    return _back(target)
