"""Tenant API v1: what the tenant's applications and scripts call with a user's credentials.

The views only parse (api/tenant/v1/plan.py), call a selector or a service of the feature,
and format: who may see a line, which of its fields and who may change what are decided in
tenants/plan, as for the HTML pages.
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import api_view
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from api.parsers import SafeJSONParser
from api.tenant.v1.plan import (
    PlanLineChangeSerializer,
    PlanLineDetailSerializer,
    PlanLinePagination,
    PlanLineQuerySerializer,
    PlanLineSerializer,
    StepChangeSerializer,
)
from api.tenant.v1.serializers import MeSerializer
from saas.tenancy.context import current_tenant
from tenants.accounts.models import User
from tenants.plan import rules, services
from tenants.plan.models import PlanLine
from tenants.plan.selectors import plan_lines_for, plan_lines_matching
from tenants.plan.steps import definitions, steps_of


# Described for the OpenAPI schema (check --deploy runs drf-spectacular's check, which warns
# on a function view it cannot guess).
@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request: Request) -> Response:
    """The authenticated user and the tenant they belong to."""
    return Response(MeSerializer({"user": request.user, "tenant": current_tenant()}).data)


def _refusal(description: str) -> OpenApiResponse:
    return OpenApiResponse(
        OpenApiTypes.OBJECT,
        description=f"{description}: {{field: [reason, ...]}}, 'detail' when no field is at fault.",
    )


REFUSALS = {
    400: _refusal("What was sent is not valid, or names a field that does not exist"),
    403: _refusal("This person may not change this field of this line"),
    404: _refusal("No such line among those this person may see (or no such step)"),
    409: _refusal("The line changed since this version, or its state forbids the change"),
}


def _user(request: Request) -> User:
    return cast(User, request.user)


class PlanLineView(GenericAPIView):  # type: ignore[type-arg]
    queryset = PlanLine.objects.none()  # read by the schema for the type of ``pk``

    def get_queryset(self) -> QuerySet[PlanLine]:
        if getattr(self, "swagger_fake_view", False):  # the schema's generation
            return PlanLine.objects.none()
        return plan_lines_for(_user(self.request))

    def detail(self, line: PlanLine, status: int = 200) -> Response:
        """The line as this person reads it, with its steps and what they may change now."""
        context = {
            "request": self.request,
            "steps": steps_of(line),
            "editable": rules.editable_fields(_user(self.request), line),
        }
        return Response(PlanLineDetailSerializer(line, context=context).data, status=status)


class PlanLineList(PlanLineView):
    """``GET plan/lines/``: the plan lines this person may see, filtered, by pages of 50."""

    serializer_class = PlanLineSerializer
    pagination_class = PlanLinePagination

    @extend_schema(
        operation_id="plan_lines_list",
        parameters=[PlanLineQuerySerializer],
        responses={200: PlanLineSerializer(many=True), 400: REFUSALS[400], 404: REFUSALS[404]},
    )
    def get(self, request: Request) -> Response:
        query = PlanLineQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        filters = dict(query.validated_data)
        filters.pop("page", None)
        filters.pop("page_size", None)
        if "manager" in filters:
            filters["manager_id"] = filters.pop("manager")
        lines = plan_lines_matching(_user(request), **filters)
        page = self.paginate_queryset(lines)
        serializer = PlanLineSerializer(page, many=True, context={"request": request})
        return self.get_paginated_response(serializer.data)


class PlanLineDetail(PlanLineView):
    """``GET`` a plan line; ``PATCH`` it (the version read, and the fields to change)."""

    serializer_class = PlanLineDetailSerializer
    parser_classes = [SafeJSONParser]
    http_method_names = ["get", "patch", "head", "options"]

    @extend_schema(operation_id="plan_lines_retrieve", responses={200: PlanLineDetailSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return self.detail(self.get_object())

    @extend_schema(
        operation_id="plan_lines_partial_update",
        request=PlanLineChangeSerializer,
        responses={200: PlanLineDetailSerializer, **REFUSALS},
    )
    def patch(self, request: Request, pk: int) -> Response:
        line = self.get_object()
        body = PlanLineChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        changes: dict[str, Any] = dict(body.validated_data)
        version = changes.pop("version")
        line = services.change_line(line, changes, by=_user(request), expected_version=version)
        return self.detail(line)


class PlanLineStep(PlanLineView):
    """``PUT`` (or ``POST``) one step of a line: its status, date and note."""

    serializer_class = PlanLineDetailSerializer
    parser_classes = [SafeJSONParser]
    http_method_names = ["put", "post", "options"]

    @extend_schema(
        operation_id="plan_lines_steps_update",
        request=StepChangeSerializer,
        responses={200: PlanLineDetailSerializer, **REFUSALS},
    )
    def put(self, request: Request, pk: int, code: str) -> Response:
        line = self.get_object()
        definition = definitions(line.nature).filter(code=code).first()
        if definition is None:
            raise services.Refused("step", _("this step is not one of this line's"), status=404)
        body = StepChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        line = services.set_step(
            line,
            definition,
            status=data["status"],
            on=data["date"],
            note=data["note"],
            by=_user(request),
            expected_version=data["version"],
        )
        return self.detail(line)

    @extend_schema(
        operation_id="plan_lines_steps_create",
        request=StepChangeSerializer,
        responses={200: PlanLineDetailSerializer, **REFUSALS},
    )
    def post(self, request: Request, pk: int, code: str) -> Response:
        return self.put(request, pk, code)
