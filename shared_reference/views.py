"""The reference server's pages: curators browse, edit and publish; anyone reads FHIR exports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from saas.errors import show_on_form
from shared_reference import contributions, curation
from shared_reference import selectors_curation as selectors
from shared_reference.forms import (
    ContributionDecisionForm,
    DeviceModelForm,
    FrenchLabelsForm,
    JournalFilterForm,
    LotForm,
    MarketDocumentForm,
    MarketForm,
    PublishForm,
    PurchasingBodyForm,
    SupplierForm,
    TermForm,
)
from shared_reference.french_labels import LabelsRefused, import_and_publish_french_labels
from shared_reference.models import (
    Contribution,
    DeviceModel,
    Lot,
    Market,
    MarketDocument,
    NomenclatureSystem,
    NomenclatureTerm,
    PurchasingBody,
    Release,
    Supplier,
)
from shared_reference.selectors_journal import journal_page
from shared_reference.services import NothingToPublish, export_codesystem, publish_release
from shared_reference.templatetags.reference_words import FIELDS

CURATORS = "curators"


def curator_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Signed-in public-schema users of the curators group (platform superusers too)."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (user.is_superuser or user.groups.filter(name=CURATORS).exists()):
            raise PermissionDenied("Curators only.")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@require_GET
def codesystem_fhir(request: HttpRequest, code: str) -> JsonResponse:
    """A nomenclature as a FHIR R4 CodeSystem (JSON), as the reference server holds it now."""
    system = get_object_or_404(NomenclatureSystem, code=code)
    return JsonResponse(
        export_codesystem(system),
        content_type="application/fhir+json",
        json_dumps_params={"ensure_ascii": False},
    )


@curator_required
def home(request: HttpRequest) -> HttpResponse:
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            release = publish_release(
                notes=form.cleaned_data["notes"], by=request.user.get_username()
            )
        except NothingToPublish:
            messages.error(request, _("Nothing has changed since the last release."))
        else:
            messages.success(
                request,
                _("Release %(number)s published: %(count)s changes.")
                % {"number": release.number, "count": release.change_count},
            )
            return redirect("reference:release_detail", number=release.number)
    return render(
        request,
        "shared_reference/home.html",
        {
            "systems": selectors.systems_with_counts(),
            "pending": selectors.pending_change_count(),
            "releases": selectors.releases()[:5],
            "form": form,
        },
    )


@curator_required
def nomenclature(request: HttpRequest, code: str) -> HttpResponse:
    """The tree, one level at a time (``?parent=CODE``), or a search (``?q=``)."""
    system = get_object_or_404(NomenclatureSystem, code=code)
    query = request.GET.get("q", "").strip()
    parent = None
    if request.GET.get("parent"):
        # A NUL byte never gets here: saas.middleware.RefuseNulBytesMiddleware answers 400.
        parent = get_object_or_404(NomenclatureTerm, system=system, code=request.GET["parent"])
    context = {
        "system": system,
        "q": query,
        "parent": parent,
        "trail": [*selectors.ancestors(parent), parent] if parent else [],
        "terms": selectors.search_terms(system, query)
        if query
        else selectors.children_of(system, parent),
    }
    # htmx opens one branch of the tree in place: only the list of children.
    partial = getattr(request, "htmx", False)
    template = "shared_reference/_terms.html" if partial else "shared_reference/nomenclature.html"
    return render(request, template, context)


@curator_required
def french_labels(request: HttpRequest, code: str) -> HttpResponse:
    """Import French labels from a CSV file (``code;label_fr``), published at once."""
    system = get_object_or_404(NomenclatureSystem, code=code)
    form = FrenchLabelsForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report, release = import_and_publish_french_labels(
                system, upload.read(), filename=upload.name, by=request.user.get_username()
            )
        except LabelsRefused as refused:
            problems = [reason for _field, reason in refused.errors()[:50]]
        else:
            if release is None:
                messages.info(request, _("These labels were already there: nothing to publish."))
                return redirect("reference:nomenclature", code=system.code)
            messages.success(
                request,
                _("%(count)s French labels imported, published in release %(number)s.")
                % {"count": report.changed, "number": release.number},
            )
            return redirect("reference:release_detail", number=release.number)
    return render(
        request,
        "shared_reference/french_labels.html",
        {"system": system, "form": form, "problems": problems},
        status=400 if problems or form.errors else 200,
    )


@curator_required
def term_edit(request: HttpRequest, uuid: str) -> HttpResponse:
    term = get_object_or_404(NomenclatureTerm.objects.select_related("system", "parent"), uuid=uuid)
    form = TermForm(request.POST or None, instance=term)
    if request.method == "POST" and form.is_valid():
        curation.save_term(
            form.instance,
            by=request.user.get_username(),
            label_fr_changed="label_fr" in form.changed_data,
            confirm=bool(form.cleaned_data.get("confirm_label_fr")),
        )
        messages.success(request, _("Saved; it will go out with the next release."))
        return redirect("reference:term_edit", uuid=term.uuid)
    return render(
        request,
        "shared_reference/term_edit.html",
        {
            "term": term,
            "form": form,
            "history": selectors.history_of(term.uuid),
            "names": {},  # a term's payload points at no other entity
            "trail": selectors.ancestors(term),
        },
        status=400 if form.errors else 200,
    )


@curator_required
def device_model_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "shared_reference/device_models.html", {"models": selectors.device_models()}
    )


@curator_required
def device_model_edit(request: HttpRequest, uuid: str) -> HttpResponse:
    model = get_object_or_404(DeviceModel.objects.select_related("manufacturer"), uuid=uuid)
    form = DeviceModelForm(request.POST or None, instance=model)
    if request.method == "POST" and form.is_valid():
        curation.save_device_model(form.instance)
        messages.success(request, _("Saved; it will go out with the next release."))
        return redirect("reference:device_model_edit", uuid=model.uuid)
    history = list(selectors.history_of(model.uuid))
    names = selectors.names_in(e.payload for e in history)
    return render(
        request,
        "shared_reference/device_model_edit.html",
        {"model": model, "form": form, "history": history, "names": names},
        status=400 if form.errors else 200,
    )


@curator_required
def release_detail(request: HttpRequest, number: int) -> HttpResponse:
    release = get_object_or_404(Release, number=number)
    changes = list(selectors.changes_of_release(release))
    names = selectors.names_in(e.payload for e in changes)
    return render(
        request,
        "shared_reference/release_detail.html",
        {"release": release, "changes": changes, "names": names},
    )


@curator_required
def contribution_queue(request: HttpRequest) -> HttpResponse:
    pending = Contribution.objects.filter(status=Contribution.Status.PENDING).select_related(
        "subscriber", "target__manufacturer"
    )
    decided = Contribution.objects.exclude(status=Contribution.Status.PENDING).select_related(
        "subscriber"
    )[:50]
    return render(
        request,
        "shared_reference/contributions.html",
        {"pending": pending.order_by("created"), "decided": decided},
    )


@curator_required
def contribution_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept as proposed, accept with changes (fields edited), or reject with a note."""
    contribution = get_object_or_404(
        Contribution.objects.select_related("subscriber", "target"), pk=pk
    )
    # What the curator typed survives a refusal: the form gives it back as sent.
    form = ContributionDecisionForm(request.POST or None, contribution=contribution)
    if request.method == "POST" and form.is_valid():
        by = request.user.get_username()
        note = form.cleaned_data["note"]
        try:
            if request.POST.get("decision") == "reject":
                contributions.reject(contribution, by=by, note=note)
            else:
                edited = form.proposal()
                amended = edited if edited != contribution.proposal else None
                contributions.accept(contribution, by=by, amended=amended, note=note)
        except contributions.ContributionRefused as refused:
            # The proposal's fields by their labels ("Fin de support : ..."), never their keys.
            show_on_form(refused, form, labels=FIELDS)
        else:
            messages.success(request, _("Decision recorded; the hospital can see it."))
            return redirect("reference:contributions")
    return render(
        request,
        "shared_reference/contribution_decide.html",
        {"contribution": contribution, "form": form},
        status=400 if form.errors else 200,
    )


@curator_required
def pending(request: HttpRequest) -> HttpResponse:
    """Review what the next release will carry."""
    return render(
        request, "shared_reference/pending.html", {"pending": selectors.pending_changes()}
    )


@curator_required
def release_compare(request: HttpRequest) -> HttpResponse:
    """``?from=A&to=B``: what changed between release A and release B, field by field."""
    numbers = list(Release.objects.order_by("number").values_list("number", flat=True))
    try:
        first = int(request.GET.get("from", numbers[-2] if len(numbers) > 1 else 0))
        last = int(request.GET.get("to", numbers[-1] if numbers else 0))
    except ValueError:
        first, last = 0, 0
        messages.error(request, _("Choose two releases."))
    if last <= first:
        first, last = min(first, last), max(first, last)
    return render(
        request,
        "shared_reference/release_compare.html",
        {
            "numbers": numbers,
            "first": first,
            "last": last,
            "differences": selectors.release_difference(first, last) if last > first else [],
        },
    )


@curator_required
def journal(request: HttpRequest) -> HttpResponse:
    """Every recorded change of the reference server's entities, newest first, filtered."""
    form = JournalFilterForm(request.GET)
    valid = form.is_valid()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "shared_reference/journal.html",
        {
            "form": form,
            # Filters in error show no rows: a list that ignored them would look filtered.
            "page": journal_page(form.filters(), request.GET.get("page")) if valid else None,
            "query": query.urlencode() if valid else "",
        },
        status=200 if valid else 400,
    )


# --- Central markets --------------------------------------------------------------------------


def _saved(request: HttpRequest) -> None:
    messages.success(request, _("Saved; it will go out with the next release."))


@curator_required
def purchasing_body_list(request: HttpRequest) -> HttpResponse:
    """The purchasing bodies, and a new one."""
    form = PurchasingBodyForm(request.POST or None, instance=PurchasingBody())
    if (
        request.method == "POST"
        and form.is_valid()
        and _save_or_show(form, lambda: curation.save_purchasing_body(form.instance))
    ):
        _saved(request)
        return redirect("reference:purchasing_body", uuid=form.instance.uuid)
    return render(
        request,
        "shared_reference/purchasing_bodies.html",
        {"bodies": selectors.purchasing_bodies(), "form": form},
        status=400 if form.errors else 200,
    )


def _history(uuid: Any) -> dict[str, Any]:
    history = list(selectors.history_of(uuid))
    return {"history": history, "names": selectors.names_in(e.payload for e in history)}


@curator_required
def purchasing_body_edit(request: HttpRequest, uuid: str) -> HttpResponse:
    """A body, and its markets."""
    body = get_object_or_404(PurchasingBody, uuid=uuid)
    form = PurchasingBodyForm(request.POST or None, instance=body)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save_or_show(form, lambda: curation.save_purchasing_body(form.instance))
    ):
        _saved(request)
        return redirect("reference:purchasing_body", uuid=body.uuid)
    return render(
        request,
        "shared_reference/purchasing_body_edit.html",
        {"body": body, "form": form, "markets": selectors.markets_of(body), **_history(body.uuid)},
        status=400 if form.errors else 200,
    )


def _save_or_show(form: Any, save: Callable[[], Any]) -> bool:
    """Save through the service; its refusal goes next to the field it names."""
    try:
        save()
    except curation.MarketRefused as refused:
        show_on_form(refused, form)
        return False
    return True


@curator_required
def supplier_list(request: HttpRequest) -> HttpResponse:
    """The suppliers the lots name, found by name or SIREN (``?q=``)."""
    query = request.GET.get("q", "").strip()
    return render(
        request,
        "shared_reference/suppliers.html",
        {"suppliers": selectors.suppliers(query)[:200], "q": query},
    )


@curator_required
def supplier_edit(request: HttpRequest, uuid: str) -> HttpResponse:
    """A supplier: its name, SIREN and postal address; the lots naming it go out again."""
    supplier = get_object_or_404(Supplier, uuid=uuid)
    form = SupplierForm(request.POST or None, instance=supplier)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save_or_show(form, lambda: curation.save_supplier(form.instance))
    ):
        _saved(request)
        return redirect("reference:supplier", uuid=supplier.uuid)
    return render(
        request,
        "shared_reference/supplier_edit.html",
        {"supplier": supplier, "form": form, "lots": selectors.lots_naming(supplier)},
        status=400 if form.errors else 200,
    )


@curator_required
def market_new(request: HttpRequest, uuid: str) -> HttpResponse:
    body = get_object_or_404(PurchasingBody, uuid=uuid)
    form = MarketForm(request.POST or None, instance=Market(purchasing_body=body))
    if (
        request.method == "POST"
        and form.is_valid()
        and _save_or_show(form, lambda: curation.save_market(form.instance))
    ):
        _saved(request)
        return redirect("reference:market", uuid=form.instance.uuid)
    return render(
        request,
        "shared_reference/market_edit.html",
        {"body": body, "market": None, "form": form},
        status=400 if form.errors else 200,
    )


@curator_required
def market_edit(request: HttpRequest, uuid: str) -> HttpResponse:
    """A market: its terms, its lots, its documents."""
    market = get_object_or_404(Market.objects.select_related("purchasing_body"), uuid=uuid)
    form = MarketForm(None, instance=market)
    document_form = MarketDocumentForm()
    if request.method == "POST":
        if "file" in request.FILES or request.POST.get("upload"):
            document_form = MarketDocumentForm(request.POST, request.FILES)
            if _upload(request, document_form, market, None):
                return redirect("reference:market", uuid=market.uuid)
        else:
            form = MarketForm(request.POST, instance=market)
            if form.is_valid() and _save_or_show(form, lambda: curation.save_market(form.instance)):
                _saved(request)
                return redirect("reference:market", uuid=market.uuid)
    return render(
        request,
        "shared_reference/market_edit.html",
        {
            "body": market.purchasing_body,
            "market": market,
            "form": form,
            "lots": selectors.lots_of(market),
            "documents": market.documents.filter(lot=None),
            "document_form": document_form,
            **_history(market.uuid),
        },
        status=400 if form.errors or document_form.errors else 200,
    )


def _upload(
    request: HttpRequest, form: MarketDocumentForm, market: Market, lot: Lot | None
) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        curation.add_document(market, data["file"], kind=data["kind"], title=data["title"], lot=lot)
    except curation.MarketRefused as refused:
        show_on_form(refused, form)
        return False
    messages.success(request, _("Document added; it will go out with the next release."))
    return True


def _save_lot(form: LotForm) -> Callable[[], Any]:
    return lambda: curation.save_lot(
        form.instance,
        supplier_names=form.cleaned_data["supplier_names"],
        device_models=list(form.cleaned_data["device_models"]),
    )


@curator_required
def lot_new(request: HttpRequest, uuid: str) -> HttpResponse:
    market = get_object_or_404(Market.objects.select_related("purchasing_body"), uuid=uuid)
    form = LotForm(request.POST or None, instance=Lot(market=market))
    if request.method == "POST" and form.is_valid() and _save_or_show(form, _save_lot(form)):
        _saved(request)
        return redirect("reference:lot", uuid=form.instance.uuid)
    return render(
        request,
        "shared_reference/lot_edit.html",
        {"market": market, "lot": None, "form": form},
        status=400 if form.errors else 200,
    )


@curator_required
def lot_edit(request: HttpRequest, uuid: str) -> HttpResponse:
    """A lot: terms, scope, suppliers, device models covered, documents."""
    lot = get_object_or_404(Lot.objects.select_related("market__purchasing_body"), uuid=uuid)
    form = LotForm(None, instance=lot)
    document_form = MarketDocumentForm()
    if request.method == "POST":
        if "file" in request.FILES or request.POST.get("upload"):
            document_form = MarketDocumentForm(request.POST, request.FILES)
            if _upload(request, document_form, lot.market, lot):
                return redirect("reference:lot", uuid=lot.uuid)
        else:
            form = LotForm(request.POST, instance=lot)
            if form.is_valid() and _save_or_show(form, _save_lot(form)):
                _saved(request)
                return redirect("reference:lot", uuid=lot.uuid)
    return render(
        request,
        "shared_reference/lot_edit.html",
        {
            "market": lot.market,
            "lot": lot,
            "form": form,
            "documents": lot.documents.all(),
            "document_form": document_form,
            **_history(lot.uuid),
        },
        status=400 if form.errors or document_form.errors else 200,
    )


@curator_required
def market_document(request: HttpRequest, uuid: str) -> HttpResponseBase:
    """GET: the file, as an attachment; POST: removes it (the market goes out again)."""
    document = get_object_or_404(MarketDocument.objects.select_related("lot"), uuid=uuid)
    if request.method == "POST":
        curation.remove_document(document)
        messages.success(request, _("Document removed; it will go out with the next release."))
        if document.lot is not None:
            return redirect("reference:lot", uuid=document.lot.uuid)
        return redirect("reference:market", uuid=document.market.uuid)
    return document_response(document)


def document_response(document: MarketDocument) -> HttpResponseBase:
    """The stored file as a download, with the type its extension says and nothing a browser
    would run in the page (also what the sync API answers subscribers)."""
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404("file missing") from exc
    response = FileResponse(
        handle, as_attachment=True, filename=document.filename, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
