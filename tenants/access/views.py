"""Tenant administration: users, their roles on scopes, and the history of changes."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saas.errors import show_on_form
from saas.tenancy.context import current_tenant
from tenants.access import selectors, services
from tenants.access.forms import GrantForm, InviteForm
from tenants.access.models import RoleGrant
from tenants.access.permissions import Action, permission_required
from tenants.accounts.models import User
from tenants.accounts.services import AccountRefused, invite_user, set_user_active

administer = permission_required(Action.ADMINISTER_TENANT)


@administer
def user_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    return render(
        request,
        "access/user_list.html",
        {"users": selectors.users_with_grants(search), "q": search},
    )


@administer
def user_invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invite_user(
                form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                by=cast(User, request.user),
                host=request.get_host(),
                tenant_name=current_tenant().name,
            )
        except AccountRefused as refused:
            show_on_form(refused, form)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": user.email})
            return redirect("access:user_detail", pk=user.pk)
    return render(
        request, "access/user_invite.html", {"form": form}, status=400 if form.errors else 200
    )


@administer
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    return render(
        request,
        "access/user_detail.html",
        {"member": user, "grants": selectors.grants_of_user(user), "form": GrantForm()},
    )


@administer
@require_POST
def user_grant(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    form = GrantForm(request.POST)
    if form.is_valid():
        try:
            scope, target = form.scope_and_target()
            services.grant_role(
                user, form.cleaned_data["role"], scope, target, by=cast(User, request.user).email
            )
        except services.GrantRefused as exc:
            show_on_form(exc, form)
        else:
            messages.success(request, _("Role granted."))
            return redirect("access:user_detail", pk=user.pk)
    return render(
        request,
        "access/user_detail.html",
        {"member": user, "grants": selectors.grants_of_user(user), "form": form},
        status=400,
    )


@administer
@require_POST
def grant_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    grant = get_object_or_404(RoleGrant.objects.select_related("user"), pk=pk)
    services.revoke_grant(grant, by=cast(User, request.user).email)
    messages.success(request, _("Role revoked."))
    return redirect("access:user_detail", pk=grant.user.pk)


@administer
@require_POST
def user_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    try:
        set_user_active(user, request.POST.get("active") == "1", by=cast(User, request.user))
    except AccountRefused as refused:
        messages.error(request, refused.reason)
    return redirect("access:user_detail", pk=user.pk)


@administer
def history(request: HttpRequest) -> HttpResponse:
    return render(request, "access/history.html", {"events": selectors.recent_access_events()})
