"""Pages of the structure."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from tenants.structure.models import Establishment
from tenants.structure.selectors import active_establishments


@login_required
def establishment_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "structure/establishment_list.html", {"establishments": active_establishments()}
    )


@login_required
def establishment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    establishment = get_object_or_404(Establishment, pk=pk)
    return render(request, "structure/establishment_detail.html", {"establishment": establishment})
