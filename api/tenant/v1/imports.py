"""Files pushed through the tenant API: a hospital's nightly exports, sent with an import key.

``POST imports/<kind>/`` (multipart ``file``, optional ``dry_run``) with
``Authorization: Api-Key <key>`` stores the file and queues its import as the imports page
does (tenants.imports.services.start_import), answering 202 with the job; ``GET
imports/jobs/<id>/`` answers its state, report and problems. The keys live in the tenant's
schema (tenants.imports.models.ImportAPIKey): another tenant's key is unknown here.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import authentication, exceptions, permissions, serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_api_key.permissions import KeyParser

from api.reference.v1.auth import FailedKeyThrottle, PerKeyThrottle
from saas.audit import annotate
from tenants.imports.forms import MAX_NAME, MAX_UPLOAD
from tenants.imports.models import ImportAPIKey, ImportJob, ImportMapping
from tenants.imports.registry import Importer, importer_for
from tenants.imports.services import start_import

EXTENSIONS = (".csv", ".txt", ".xlsx", ".xlsm")


class ImportKeyAuthentication(authentication.BaseAuthentication):
    """``Authorization: Api-Key <key>``, checked as the reference API checks its keys: a
    refused key is counted per client address, and past the rate an address sending unknown
    keys is refused before any is looked up."""

    def authenticate(self, request: Request) -> tuple[AnonymousUser, ImportAPIKey] | None:
        key = KeyParser().get(request._request)
        if not key:
            return None
        failures = FailedImportKeyThrottle()
        prefix = key.partition(".")[0]
        api_key = ImportAPIKey.objects.filter(prefix=prefix).first()
        if api_key is None:
            failures.refuse_if_over(request)
            failures.count(request)
            raise exceptions.AuthenticationFailed("Unknown API key.")
        if not api_key.is_valid(key):
            failures.count(request)
            raise exceptions.AuthenticationFailed("Unknown API key.")
        if api_key.revoked:
            failures.count(request)
            raise exceptions.AuthenticationFailed("This API key has been revoked.")
        if api_key.has_expired:
            failures.count(request)
            raise exceptions.AuthenticationFailed("This API key has expired.")
        annotate(user_label=f"API key {api_key.name}", source="api")
        return AnonymousUser(), api_key

    def authenticate_header(self, request: Request) -> str:
        return "Api-Key"


# Declared here, beside the class it describes: drf-spectacular finds it wherever the
# schema is generated (the deploy check's, the checked-in file's).
class ImportKeyScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "api.tenant.v1.imports.ImportKeyAuthentication"
    name = "ImportApiKey"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`: one key per pushing system, revocable, per tenant.",
        }


class HasImportKey(permissions.BasePermission):
    message = "An import API key is needed: send 'Authorization: Api-Key <key>'."

    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, ImportAPIKey)


class ImportKeyThrottle(PerKeyThrottle):
    scope = "tenant_import_key"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not isinstance(request.auth, ImportAPIKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.prefix}


class FailedImportKeyThrottle(FailedKeyThrottle):
    scope = "tenant_import_failed_key"


class UploadSerializer(serializers.Serializer):  # type: ignore[type-arg]
    file = serializers.FileField(help_text="The export, CSV or XLSX, 50 MB at most.")
    dry_run = serializers.BooleanField(
        default=False, help_text="Check the file and report, change nothing."
    )

    def validate_file(self, upload: Any) -> Any:
        name = upload.name or ""
        if upload.size > MAX_UPLOAD:
            raise serializers.ValidationError(_("The file is larger than 50 MB."))
        if not name.lower().endswith(EXTENSIONS):
            raise serializers.ValidationError(_("Give a CSV or an XLSX file."))
        if len(name) > MAX_NAME:
            raise serializers.ValidationError(
                _("The file name is longer than %(limit)s characters: rename the file.")
                % {"limit": MAX_NAME}
            )
        if any(ord(c) < 32 for c in name):
            raise serializers.ValidationError(_("The file name holds control characters."))
        return upload


class ProblemSerializer(serializers.Serializer):  # type: ignore[type-arg]
    line = serializers.IntegerField(allow_null=True)
    column = serializers.CharField(allow_null=True)
    reason = serializers.CharField()


class JobSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    url = serializers.SerializerMethodField(help_text="Where to poll the job.")
    problems = serializers.SerializerMethodField(help_text="The first 1,000 problems found.")
    report = serializers.JSONField(
        allow_null=True, help_text="Rows read, created, updated... once done."
    )

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "kind",
            "state",
            "dry_run",
            "filename",
            "api_key_name",
            "created",
            "finished",
            "url",
            "report",
            "problem_count",
            "problems",
        ]

    def get_url(self, job: ImportJob) -> str:
        path = reverse("tenant_api_v1:import_job", args=[job.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    @extend_schema_field(ProblemSerializer(many=True))
    def get_problems(self, job: ImportJob) -> list[dict[str, Any]]:
        return [
            {"line": line, "column": column, "reason": reason}
            for line, column, reason in (job.problems or [])
        ]


def _refusal(description: str) -> OpenApiResponse:
    return OpenApiResponse(
        OpenApiTypes.OBJECT,
        description=f"{description}: {{field: [reason, ...]}}, 'detail' when no field is at fault.",
    )


class ImportKeyView(APIView):
    authentication_classes = [ImportKeyAuthentication]
    permission_classes = [HasImportKey]
    throttle_classes = [ImportKeyThrottle]

    def key(self) -> ImportAPIKey:
        assert isinstance(self.request.auth, ImportAPIKey)
        return self.request.auth


def _importer(kind: str, key: ImportAPIKey) -> Importer:
    try:
        importer = importer_for(kind)
    except LookupError:
        raise exceptions.NotFound({"kind": [_("There is no import of this kind.")]}) from None
    if not key.allows(kind):
        raise exceptions.PermissionDenied({"kind": [_("This key may not push this kind of file.")]})
    return importer


def _mapping(importer: Importer) -> dict[str, str]:
    """The tenant's saved column headers for the kind, its usual ones where none is saved."""
    kept = ImportMapping.objects.filter(kind=importer.kind).first()
    saved = kept.mapping if kept else {}
    return {field: saved.get(field) or header for field, header in importer.default_mapping.items()}


class ImportUpload(ImportKeyView):
    """``POST imports/<kind>/``: push a file; its import is queued, answered with the job."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="imports_create",
        request={"multipart/form-data": UploadSerializer},
        responses={
            202: JobSerializer,
            400: _refusal("No file, or a file that is too big, not CSV or XLSX, or badly named"),
            401: _refusal("No key, or an unknown, revoked or expired key"),
            403: _refusal("This key may not push this kind of file"),
            404: _refusal("There is no import of this kind"),
            429: _refusal("Too many requests with this key, or refused keys from this address"),
        },
    )
    def post(self, request: Request, kind: str) -> Response:
        key = self.key()
        importer = _importer(kind, key)
        body = UploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job = start_import(
            importer.kind,
            body.validated_data["file"],
            mapping=_mapping(importer),
            dry_run=body.validated_data["dry_run"],
            by=None,
            api_key_name=key.name,
        )
        return Response(JobSerializer(job, context={"request": request}).data, status=202)


class ImportJobDetail(ImportKeyView):
    """``GET imports/jobs/<id>/``: a job of a kind this key may push, its report and problems."""

    @extend_schema(
        operation_id="imports_jobs_retrieve",
        responses={
            200: JobSerializer,
            401: _refusal("No key, or an unknown, revoked or expired key"),
            404: _refusal("No such job among the kinds this key may push"),
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        key = self.key()
        job = ImportJob.objects.filter(pk=pk).first()
        if job is None or not key.allows(job.kind):
            raise exceptions.NotFound(_("No such import job."))
        return Response(JobSerializer(job, context={"request": request}).data)
