"""Shapes of the reference sync API v1, for validation and for the OpenAPI schema."""

from __future__ import annotations

from rest_framework import serializers


class ChangeSerializer(serializers.Serializer):
    seq = serializers.IntegerField(help_text="Global, monotonic position in the change log.")
    entity_type = serializers.ChoiceField(choices=["nomenclature_system", "nomenclature_term"])
    entity_uuid = serializers.UUIDField()
    operation = serializers.ChoiceField(choices=["upsert", "tombstone"])
    payload = serializers.JSONField(help_text="The entity's full published state.")


class ChangePageSerializer(serializers.Serializer):
    changes = ChangeSerializer(many=True)
    next = serializers.IntegerField(help_text="Cursor to send as `since` next time.")
    has_more = serializers.BooleanField()


class GoneSerializer(serializers.Serializer):
    detail = serializers.CharField()
    horizon = serializers.IntegerField()
    snapshot = serializers.URLField()


class SnapshotSerializer(serializers.Serializer):
    seq = serializers.IntegerField(
        help_text="The change-log position this snapshot is consistent with."
    )
    entities = ChangeSerializer(many=True)


class SubscribeSerializer(serializers.Serializer):
    type = serializers.CharField(
        help_text="What to subscribe to: `nomenclature`, `manufacturer`, `device_model` or "
        "`purchasing_body`."
    )
    uuid = serializers.CharField(help_text="The entity's UUID on the reference server.")


class SubscriptionSerializer(serializers.Serializer):
    topic = serializers.CharField(allow_null=True, help_text="null: the entity is unknown here.")
    since = serializers.DateTimeField(required=False)
    detail = serializers.CharField(required=False, help_text="Why there is no topic.")


class NomenclatureSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    code = serializers.CharField()
    name = serializers.CharField()
    version = serializers.CharField()


class PurchasingBodySerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    code = serializers.CharField()
    name = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(
        required=False, help_text="Why, or one key per parameter at fault."
    )


class CatalogueItemSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    # The rest is the entity's published payload (see the change feed).


class ProposeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["new_model", "correction"])
    target = serializers.UUIDField(
        required=False, help_text="The device model a correction is about."
    )
    proposal = serializers.DictField(
        help_text="end_of_sale, end_of_support (YYYY-MM-DD), expected_life_years, commercial_name, "
        "catalogue_reference; for a new model also manufacturer and nomenclature codes."
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        # "source" is an attribute of every DRF field, so it cannot be declared as one.
        fields = super().get_fields()
        fields["source"] = serializers.CharField(help_text="Where the information comes from.")
        return fields


class ContributionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    target = serializers.UUIDField(allow_null=True)
    proposal = serializers.DictField()
    status = serializers.ChoiceField(choices=["pending", "accepted", "amended", "rejected"])
    curator_note = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    result = serializers.UUIDField(allow_null=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["source"] = serializers.CharField()
        return fields
