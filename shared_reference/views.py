"""Public pages of the reference server."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from shared_reference.models import NomenclatureSystem
from shared_reference.services import export_codesystem


@require_GET
def codesystem_fhir(request: HttpRequest, code: str) -> JsonResponse:
    """A nomenclature as a FHIR R4 CodeSystem (JSON), as the reference server holds it now."""
    system = get_object_or_404(NomenclatureSystem, code=code)
    return JsonResponse(
        export_codesystem(system),
        content_type="application/fhir+json",
        json_dumps_params={"ensure_ascii": False},
    )
