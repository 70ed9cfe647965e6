"""The administrator's page of Word templates: each kind's placeholders, versions, uploads,
downloads and previews filled in with the kind's example."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saas.errors import UserError, sentence, show_on_form
from tenants.access.permissions import Action, permission_required
from tenants.accounts.models import User
from tenants.wordtemplates import pdf, services
from tenants.wordtemplates.forms import TemplateUploadForm
from tenants.wordtemplates.models import TemplateVersion
from tenants.wordtemplates.registry import KINDS, DocumentKind, Placeholder
from tenants.wordtemplates.selectors import versions_of

SHOWN_VERSIONS = 10


@dataclass(frozen=True)
class HelpRow:
    syntax: str  # what to type in Word
    description: str
    level: int  # 0: a placeholder, 1: one of its fields


def help_rows(kind: DocumentKind) -> list[HelpRow]:
    rows: list[HelpRow] = []
    for placeholder in kind.placeholders:
        rows.append(HelpRow(_syntax(placeholder), str(placeholder.description), 0))
        item = _item_name(placeholder)
        for field in placeholder.fields:
            owner = item if placeholder.is_list else placeholder.name
            rows.append(HelpRow(f"{{{{ {owner}.{field.name} }}}}", str(field.description), 1))
    return rows


def _item_name(placeholder: Placeholder) -> str:
    # "lines" -> "line", "budget_lines" -> "budget_line": the loop's variable in the example.
    return placeholder.name[:-1] if placeholder.name.endswith("s") else "item"


def _syntax(placeholder: Placeholder) -> str:
    if placeholder.is_list:
        item = _item_name(placeholder)
        return f"{{%tr for {item} in {placeholder.name} %}} … {{%tr endfor %}}"
    if placeholder.fields:
        return placeholder.name
    return f"{{{{ {placeholder.name} }}}}"


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _kind(key: str) -> DocumentKind:
    kind = KINDS.get(key)
    if kind is None:
        raise Http404("no such kind of document")
    return kind


def _page(
    request: HttpRequest, forms: dict[str, TemplateUploadForm] | None = None
) -> dict[str, Any]:
    forms = forms or {}
    kinds = []
    for kind in sorted(KINDS.values(), key=lambda k: str(k.label)):
        versions = list(versions_of(kind)[:SHOWN_VERSIONS])
        kinds.append(
            {
                "kind": kind,
                "help": help_rows(kind),
                "active": versions[0] if versions else None,
                "versions": versions,
                "form": forms.get(kind.key) or TemplateUploadForm(prefix=kind.key),
            }
        )
    syntax_help = _(
        "A condition: {%p if market.name %} … {%p else %} … {%p endif %}, each on its own"
        " paragraph. The rows of a table between {%tr for … %} and {%tr endfor %} repeat once"
        " per item."
    )
    return {"kinds": kinds, "syntax_help": syntax_help}


@permission_required(Action.ADMINISTER_TENANT)
def template_list(request: HttpRequest) -> HttpResponse:
    return render(request, "wordtemplates/template_list.html", _page(request))


@permission_required(Action.ADMINISTER_TENANT)
@require_POST
def template_upload(request: HttpRequest, kind: str) -> HttpResponse:
    found = _kind(kind)
    form = TemplateUploadForm(request.POST, request.FILES, prefix=found.key)
    if form.is_valid():
        try:
            version = services.upload_template(found, form.cleaned_data["file"], by=_user(request))
        except UserError as refused:
            show_on_form(refused, form)
            page = _page(request, {found.key: form})
            return render(request, "wordtemplates/template_list.html", page, status=refused.status)
        messages.success(
            request,
            _("%(kind)s: version %(number)s is in use.")
            % {"kind": found.label, "number": version.number},
        )
        return redirect("wordtemplates:template_list")
    page = _page(request, {found.key: form})
    return render(request, "wordtemplates/template_list.html", page, status=400)


@permission_required(Action.ADMINISTER_TENANT)
@require_POST
def template_revert(request: HttpRequest, kind: str) -> HttpResponse:
    found = _kind(kind)
    version = services.revert_to_default(found, by=_user(request))
    messages.success(
        request,
        _("%(kind)s: version %(number)s is the default template again.")
        % {"kind": found.label, "number": version.number},
    )
    return redirect("wordtemplates:template_list")


def _docx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=services.DOCX_MIME)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@permission_required(Action.ADMINISTER_TENANT)
def download_default(request: HttpRequest, kind: str) -> HttpResponse:
    found = _kind(kind)
    return _docx(found.default_template.read_bytes(), f"{slugify(str(found.label))}-default.docx")


@permission_required(Action.ADMINISTER_TENANT)
def download_version(request: HttpRequest, kind: str, number: int) -> HttpResponse:
    found = _kind(kind)
    version = get_object_or_404(TemplateVersion, kind=found.key, number=number)
    data = services.template_bytes(found, version)
    return _docx(data, f"{slugify(str(found.label))}-v{number}.docx")


@permission_required(Action.ADMINISTER_TENANT)
def preview(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """The version in use filled in with the kind's example, as DOCX or PDF."""
    found = _kind(kind)
    if fmt not in ("docx", "pdf"):
        raise Http404("no such format")
    name = f"{slugify(str(found.label))}-example"
    try:
        filled = services.render(found, found.example)
        if fmt == "docx":
            return _docx(filled, f"{name}.docx")
        made = pdf.to_pdf(filled)
    except UserError as refused:
        messages.error(request, sentence(refused.reason))
        page = _page(request)
        return render(request, "wordtemplates/template_list.html", page, status=refused.status)
    except (pdf.ConverterMissing, pdf.ConversionFailed) as failed:
        # The server's fault, not the person's: say so plainly rather than a bare 500.
        messages.error(request, _("The PDF could not be made: %(error)s") % {"error": failed})
        page = _page(request)
        return render(request, "wordtemplates/template_list.html", page, status=503)
    response = HttpResponse(made, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
