"""The catalogue's pages: search as you type, a product, favourites, lists, imports."""

from __future__ import annotations

import io
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saas.errors import UserError, sentence, show_on_form
from tenants.access.permissions import Action, has_permission, permission_required, require
from tenants.accounts.models import User
from tenants.catalogue import services
from tenants.catalogue.forms import (
    CatalogueImportForm,
    ListNameForm,
    PhotoForm,
    QuantityForm,
    ShareForm,
)
from tenants.catalogue.models import Family, ListItem, ListShare, Product, ProductList
from tenants.catalogue.selectors import (
    Filters,
    editable_lists,
    favourite_ids,
    fitted_models_of,
    items_of,
    lists_for,
    may_edit,
    search_page,
    shares_of,
    ufs_of,
)
from tenants.imports.pages import ImportPages
from tenants.markets.models import Market, Supplier

IMPORT_PAGES = ImportPages(kind="catalogue", form_class=CatalogueImportForm, app="catalogue")
search_required = permission_required(Action.SEARCH_CATALOGUE)
manage_required = permission_required(Action.MANAGE_CATALOGUE)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _int(raw: str | None) -> int | None:
    """An id or a page number from the URL or a form; None for anything else."""
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < len(raw) < 12 else None


def _filters(request: HttpRequest) -> Filters:
    get = request.GET
    return Filters(
        supplier=_int(get.get("supplier")),
        market=_int(get.get("market")),
        family=_int(get.get("family")),
        favourites_of=_user(request) if get.get("favourites") == "1" else None,
    )


@search_required
def search(request: HttpRequest) -> HttpResponse:
    """The catalogue, searched as one types: the results part alone for htmx."""
    user = _user(request)
    query = request.GET.get("q", "")[:200]
    filters = _filters(request)
    found = search_page(query, filters, _int(request.GET.get("page")) or 1)
    params = request.GET.copy()
    params.pop("page", None)
    favourites = favourite_ids(user, found.products)
    for product in found.products:
        product.is_favourite = product.pk in favourites  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "query": query,
        "filters": filters,
        "found": found,
        "lists": list(editable_lists(user)[:50]),
        "params": params.urlencode(),
    }
    if getattr(request, "htmx", None):
        return render(request, "catalogue/_results.html", context)
    context.update(
        {
            # Those the catalogue names (a semi-join: no DISTINCT over 200,000 products).
            "suppliers": Supplier.objects.filter(
                Exists(Product.objects.filter(supplier=OuterRef("pk")))
            ),
            "markets": Market.objects.filter(
                Exists(Product.objects.filter(market=OuterRef("pk")))
            ).order_by("reference"),
            "families": Family.objects.all(),
            "can_manage": has_permission(user, Action.MANAGE_CATALOGUE),
        }
    )
    return render(request, "catalogue/search.html", context)


@search_required
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    product = get_object_or_404(
        Product.objects.select_related("supplier", "market", "lot", "family"), pk=pk
    )
    context = {
        "product": product,
        "models": fitted_models_of(product),
        "is_favourite": bool(favourite_ids(user, [product])),
        "lists": editable_lists(user),
        "can_manage": has_permission(user, Action.MANAGE_CATALOGUE),
        "photo_form": PhotoForm(),
    }
    return render(request, "catalogue/product_detail.html", context)


@login_required
def product_photo(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The photo's file."""
    require(request.user, Action.SEARCH_CATALOGUE)
    product = get_object_or_404(Product, pk=pk)
    if not product.photo:
        raise Http404("no photo")
    try:
        return FileResponse(product.photo.open("rb"))
    except OSError as exc:
        raise Http404("photo missing") from exc


@manage_required
@require_POST
def photo_upload(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(Product, pk=pk)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a photo to send."))
        return redirect(product)
    try:
        services.set_photo(_user(request), product, form.cleaned_data["photo"])
    except UserError as refused:
        messages.error(request, sentence(refused.reason))
    else:
        messages.success(request, _("Photo saved."))
    return redirect(product)


@search_required
@require_POST
def favourite(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(Product, pk=pk)
    now = services.toggle_favourite(_user(request), product)
    if getattr(request, "htmx", None):
        return render(
            request, "catalogue/_favourite.html", {"product": product, "is_favourite": now}
        )
    if _safe_next(request):
        return HttpResponseRedirect(request.POST["next"])
    return redirect(product)


def _safe_next(request: HttpRequest) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    return bool(target) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


@search_required
def list_index(request: HttpRequest) -> HttpResponse:
    """The person's lists and those shared with them; a new list from the form."""
    user = _user(request)
    form = ListNameForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                created = services.create_list(user, form.cleaned_data["name"])
            except UserError as refused:
                show_on_form(refused, form)
                status = refused.status
            else:
                messages.success(request, _("List created."))
                return redirect(created)
    return render(
        request,
        "catalogue/list_index.html",
        {"lists": lists_for(user), "form": form},
        status=status,
    )


def _list(request: HttpRequest, pk: int) -> ProductList:
    return get_object_or_404(lists_for(_user(request)), pk=pk)


def _list_context(request: HttpRequest, product_list: ProductList, **extra: Any) -> dict[str, Any]:
    user = _user(request)
    items = list(items_of(product_list))
    for item in items:
        price = item.product.unit_price
        item.line_total = price * item.quantity if price is not None else None  # type: ignore[attr-defined]
    total = sum((i.line_total for i in items if i.line_total is not None), 0)  # type: ignore[attr-defined]
    return {
        "product_list": product_list,
        "items": items,
        "total": total,
        "is_owner": product_list.owner_id == user.pk,
        "may_edit": may_edit(user, product_list),
        "shares": shares_of(product_list),
        "share_form": extra.pop("share_form", None) or ShareForm(),
        "name_form": extra.pop("name_form", None)
        or ListNameForm(initial={"name": product_list.name}),
        "my_ufs": ufs_of(user).order_by("code")[:50],
        **extra,
    }


@search_required
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    product_list = _list(request, pk)
    return render(request, "catalogue/list_detail.html", _list_context(request, product_list))


@search_required
@require_POST
def list_act(request: HttpRequest, pk: int) -> HttpResponse:
    """One change to the list, named by ``action``: rename, delete, share, unshare, quantity,
    remove. A refusal shows the page again with why."""
    user = _user(request)
    product_list = _list(request, pk)
    action = request.POST.get("action", "")
    bound: dict[str, Any] = {}
    try:
        match action:
            case "rename":
                form = ListNameForm(request.POST)
                bound["name_form"] = form
                if not form.is_valid():
                    raise services.Refused("name", _("give the list a name"))
                services.rename_list(user, product_list, form.cleaned_data["name"])
                done = _("List renamed.")
            case "delete":
                services.delete_list(user, product_list)
                messages.success(request, _("List deleted."))
                return redirect("catalogue:list_index")
            case "share":
                share_form = ShareForm(request.POST)
                bound["share_form"] = share_form
                if not share_form.is_valid():
                    return render(
                        request,
                        "catalogue/list_detail.html",
                        _list_context(request, product_list, **bound),
                        status=400,
                    )
                data = share_form.cleaned_data
                services.share_list(
                    user,
                    product_list,
                    uf=data["uf"],
                    person=data["email"],
                    can_edit=data["can_edit"],
                )
                done = _("List shared.")
            case "unshare":
                share = get_object_or_404(
                    ListShare, pk=_int(request.POST.get("share")) or 0, product_list=product_list
                )
                services.unshare_list(user, share)
                done = _("Sharing removed.")
            case "quantity" | "remove":
                item = get_object_or_404(
                    ListItem, pk=_int(request.POST.get("item")) or 0, product_list=product_list
                )
                if action == "remove":
                    services.remove_item(user, item)
                    done = _("Product removed from the list.")
                else:
                    quantity_form = QuantityForm(request.POST)
                    if not quantity_form.is_valid():
                        raise services.Refused(
                            "quantity",
                            _("the quantity must be between 1 and %(max)s")
                            % {"max": services.MAX_QUANTITY},
                        )
                    services.set_quantity(user, item, quantity_form.cleaned_data["quantity"])
                    done = _("Quantity saved.")
            case _:
                raise services.Refused("", _("Unknown action."))
    except UserError as refused:
        messages.error(request, sentence(refused.reason))
        return render(
            request,
            "catalogue/list_detail.html",
            _list_context(request, product_list, **bound),
            status=refused.status,
        )
    messages.success(request, done)
    return redirect(product_list)


@search_required
@require_POST
def list_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a product (``pk``) to one of the person's editable lists, or to a new one."""
    user = _user(request)
    product = get_object_or_404(Product, pk=pk)
    quantity = _int(request.POST.get("quantity")) or 1
    try:
        raw_list = request.POST.get("list", "")
        if raw_list == "new":
            target = services.create_list(user, request.POST.get("name") or _("My list"))
        else:
            target = get_object_or_404(lists_for(user), pk=_int(raw_list) or 0)
        services.add_to_list(user, target, product, quantity)
    except UserError as refused:
        if getattr(request, "htmx", None):
            return HttpResponse(sentence(refused.reason), status=refused.status)
        messages.error(request, sentence(refused.reason))
        return redirect(product)
    text = _("Added to %(list)s.") % {"list": target.name}
    if getattr(request, "htmx", None):
        return render(request, "catalogue/_added.html", {"text": text, "list": target})
    messages.success(request, text)
    return redirect(target)


@search_required
def list_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The list as the supply service's order request (XLSX)."""
    user = _user(request)
    product_list = _list(request, pk)
    header = services.OrderHeader(
        uf=services.order_uf(user, product_list, request.GET.get("uf", "")),
        requester=user,
        day=timezone.localdate(),
    )
    buffer = io.BytesIO()
    services.write_order_request(product_list, header, buffer)
    name = slugify(product_list.name)[:60] or "liste"
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="commande-{name}.xlsx"'
    return response


@manage_required
def catalogue_import(request: HttpRequest) -> HttpResponse:
    """Upload the purchasing system's export; a worker checks and applies it."""
    return IMPORT_PAGES.upload(request)


@manage_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    return IMPORT_PAGES.job(request, pk)


@manage_required
@require_POST
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    return IMPORT_PAGES.apply(request, pk)
