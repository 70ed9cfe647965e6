"""Shapes of the plan lines in the tenant API: they parse what a client sends and format what
it reads; who may see or change what is decided by tenants/plan (rules, services, selectors)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from tenants.access.permissions import Action, has_permission
from tenants.accounts.models import User
from tenants.plan.models import PlanLine, Procedure, StepStatus
from tenants.plan.services import NOTE_LIMIT, REASON_LIMIT, STEP_NOTE_LIMIT

# An id or a version fits a PostgreSQL integer.
MAX_INTEGER = 2**31 - 1
# What a field name that nobody defined is cut to when the answer names it.
NAME_SHOWN = 80
# ASCII digits only, to the end of the text: \d would read full-width
# or Arabic-Indic digits, and $ a final newline.
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})(?:-([0-9]{2}))?")


class PlanLinePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class StrictSerializer(serializers.Serializer):
    """A body naming a field this serializer lacks is refused, naming it: a typo in a field
    name must not look like a change that was saved."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = sorted(str(name) for name in data if name not in self.fields)
            if unknown:
                raise ValidationError(
                    {name[:NAME_SHOWN]: [_("unknown field")] for name in unknown[:20]}
                )
        return super().to_internal_value(data)


# --- what a client reads ---------------------------------------------------------------------


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="get_full_name", read_only=True)


class UFSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2027-03"})
class MonthField(serializers.Field):
    """A month as "YYYY-MM"; "YYYY-MM-01" (the month's first day) is read too."""

    default_error_messages = {
        "invalid": gettext_lazy("not a month: write YYYY-MM (e.g. 2027-03)"),
        "not_first": gettext_lazy("a month is given as YYYY-MM or by its first day (YYYY-MM-01)"),
    }

    def to_internal_value(self, data: Any) -> date:
        found = _MONTH.fullmatch(data) if isinstance(data, str) and len(data) <= 10 else None
        if found is None or not 1 <= int(found[2]) <= 12 or not 2000 <= int(found[1]) <= 2100:
            self.fail("invalid")
        if found[3] is not None and found[3] != "01":
            self.fail("not_first")
        return date(int(found[1]), int(found[2]), 1)

    def to_representation(self, value: date) -> str:
        return value.strftime("%Y-%m")


# DRF's own messages repeat the value sent: a 100,000-character one would come back whole.
NOT_A_CHOICE: dict[str, Any] = {"invalid_choice": gettext_lazy("not one of the values offered")}
NO_SUCH_PERSON: dict[str, Any] = {
    "does_not_exist": gettext_lazy("no such person"),
    "incorrect_type": gettext_lazy("a person's id (a number), or null"),
}


def _boolean(**kwargs: Any) -> serializers.BooleanField:
    messages: dict[str, Any] = {"invalid": gettext_lazy("must be true or false")}
    return serializers.BooleanField(error_messages=messages, **kwargs)


def _choice(choices: Any, **kwargs: Any) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=choices, error_messages=NOT_A_CHOICE, **kwargs)


def _amount(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


# The fields only the biomedical team, purchasing and finance read (Action.FOLLOW_PLAN).
FOLLOW_UP_FIELDS = (
    "procedure",
    "estimated_amount",
    "ordered_amount",
    "committed_amount",
    "committed_source",
    "paid_amount",
    "paid_source",
    "private_note",
)


class PlanLineSerializer(serializers.Serializer):
    """A plan line as this person may read it: everyone who sees the line reads its public
    side; the follow-up's amounts, procedure and private note only reach those who follow
    the plan on its scope (hence not required in the schema)."""

    id = serializers.IntegerField(read_only=True)
    # What people call the line and its request (PLN-2027-00042, DEM-2027-00042).
    reference = serializers.CharField(read_only=True)
    request_reference = serializers.CharField(source="request.reference", read_only=True)
    year = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    campaign = NamedSerializer(read_only=True)
    uf = UFSerializer(read_only=True)
    nature = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=PlanLine.Status.choices, read_only=True)
    manager = PersonSerializer(read_only=True, allow_null=True)
    granted_amount = _amount(source="amount", read_only=True)
    commissioning_month = MonthField(read_only=True, allow_null=True)
    settled = serializers.BooleanField(read_only=True)
    closed = serializers.BooleanField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    public_note = serializers.CharField(read_only=True)
    # Follow-up only: not read-only, so that the schema marks them optional.
    procedure = serializers.ChoiceField(choices=Procedure.choices, allow_blank=True, required=False)
    estimated_amount = _amount(allow_null=True, required=False)
    ordered_amount = _amount(allow_null=True, required=False)
    committed_amount = _amount(allow_null=True, required=False)
    committed_source = serializers.CharField(allow_blank=True, required=False)
    paid_amount = _amount(allow_null=True, required=False)
    paid_source = serializers.CharField(allow_blank=True, required=False)
    private_note = serializers.CharField(allow_blank=True, required=False)

    def to_representation(self, instance: PlanLine) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        user = self.context["request"].user
        if not has_permission(user, Action.FOLLOW_PLAN, instance):
            for name in FOLLOW_UP_FIELDS:
                data.pop(name, None)
        return data


class StepSerializer(serializers.Serializer):
    code = serializers.CharField(source="definition.code", read_only=True)
    name = serializers.CharField(source="definition.name", read_only=True)
    status = serializers.ChoiceField(choices=StepStatus.choices, read_only=True)
    date = serializers.DateField(read_only=True, allow_null=True)
    note = serializers.CharField(read_only=True)


class PlanLineDetailSerializer(PlanLineSerializer):
    """A line with its steps and the fields this person may change now (what a client
    offers); the view gives both in the context."""

    steps = serializers.SerializerMethodField()
    editable = serializers.SerializerMethodField()

    @extend_schema_field(StepSerializer(many=True))
    def get_steps(self, line: PlanLine) -> Any:
        return StepSerializer(self.context["steps"], many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_editable(self, line: PlanLine) -> list[str]:
        return sorted(self.context["editable"])


# --- what a client sends ---------------------------------------------------------------------


class PlanLineQuerySerializer(StrictSerializer):
    """The list's filters (its query string)."""

    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    manager = serializers.CharField(
        required=False,
        max_length=12,
        help_text='An operation manager\'s id, or "me".',
    )
    closed = _boolean(required=False, allow_null=True, default=None)
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Words of the line's title."
    )
    page = serializers.IntegerField(required=False, min_value=1, max_value=MAX_INTEGER)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=200)

    def validate_manager(self, value: str) -> int:
        if value == "me":
            return int(self.context["request"].user.pk)
        if not (value.isascii() and value.isdigit()) or int(value) > MAX_INTEGER:
            raise ValidationError(_('a person\'s id, or "me"'))
        return int(value)


class PlanLineChangeSerializer(StrictSerializer):
    """PATCH: the version the client read, and the fields it changes (any of them)."""

    # Never partial, though read for a PATCH: the version is required, and the OpenAPI schema
    # (drf-spectacular makes a PATCH's serializer partial) must say so.
    @property
    def partial(self) -> bool:
        return False

    @partial.setter
    def partial(self, value: bool) -> None:
        pass

    version = serializers.IntegerField(
        min_value=1,
        max_value=MAX_INTEGER,
        help_text="Required: the line's version the client read (a stale one answers 409).",
    )
    manager = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(),
        allow_null=True,
        required=False,
        error_messages=NO_SUCH_PERSON,
        help_text="The operation manager's id (an expert of the line), or null.",
    )
    procedure = _choice(Procedure.choices, allow_blank=True, required=False)
    estimated_amount = _amount(allow_null=True, required=False)
    ordered_amount = _amount(allow_null=True, required=False)
    committed_amount = _amount(allow_null=True, required=False)
    paid_amount = _amount(allow_null=True, required=False)
    commissioning_month = MonthField(allow_null=True, required=False)
    private_note = serializers.CharField(allow_blank=True, max_length=NOTE_LIMIT, required=False)
    public_note = serializers.CharField(allow_blank=True, max_length=NOTE_LIMIT, required=False)
    settled = _boolean(required=False)
    closed = _boolean(required=False, help_text="false reopens a closed line, with a reason.")
    reason = serializers.CharField(
        max_length=REASON_LIMIT, required=False, help_text="Why the line is reopened."
    )


class StepChangeSerializer(StrictSerializer):
    """PUT or POST on a step: where the line stands on it."""

    version = serializers.IntegerField(min_value=1, max_value=MAX_INTEGER)
    status = _choice(StepStatus.choices)
    date = serializers.DateField(allow_null=True, required=False, default=None)
    note = serializers.CharField(
        allow_blank=True, max_length=STEP_NOTE_LIMIT, required=False, default=""
    )
