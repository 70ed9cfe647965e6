"""Attaches who and from where (page or API) to every change made while serving a request."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from pghistory.middleware import HistoryMiddleware


class AuditMiddleware(HistoryMiddleware):
    """pghistory's middleware, plus the source and the person's name.

    The name is kept beside the id so that history still says who did it after the account is
    deleted. DRF authenticates in the view: pghistory's request class updates the user then.
    """

    def get_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().get_context(request)
        user = getattr(request, "user", None)
        context["user_label"] = str(user) if context["user"] is not None else None
        context["source"] = "api" if request.path.startswith("/api/") else "page"
        context["method"] = request.method
        return context
