"""Reference sync API v1 (DESIGN.md section 4): change feed, snapshot, subscriptions, lookups.

Every refusal is a 4xx whose body names the parameter at fault.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, transaction
from django.http import StreamingHttpResponse
from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.reference.v1 import serializers as s
from api.reference.v1.auth import (
    IsSubscriber,
    PerKeyThrottle,
    SubscriberKeyAuthentication,
    subscriber_of,
)
from shared_reference import contributions, selectors, services
from shared_reference.models import NomenclatureSystem, PurchasingBody, Subscription
from shared_reference.views import document_response

MAX_LIMIT = 1000
DEFAULT_LIMIT = 500
MAX_SNAPSHOT_TOPICS = 200
TOPIC = re.compile(r"[a-z_]{1,40}:[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}")
MAX_SUBSCRIBE_AT_ONCE = 1000
# A seq is a bigint: 18 digits always fit.
MAX_INTEGER_DIGITS = 18


class ReferenceAPIView(APIView):
    authentication_classes = [SubscriberKeyAuthentication]
    permission_classes = [IsSubscriber]
    throttle_classes = [PerKeyThrottle]
    allowed_params: frozenset[str] = frozenset()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        unknown = sorted(set(request.query_params) - self.allowed_params)
        if unknown:
            raise ValidationError({name: "unknown parameter" for name in unknown})


def integer_param(request: Request, name: str, default: int, low: int, high: int | None) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    # str.isdigit() accepts "²" and other Unicode digits that int() refuses, and int() refuses
    # more than 4,300 digits: only short ASCII digit strings reach it.
    if not (raw.isascii() and raw.isdigit()) or len(raw) > MAX_INTEGER_DIGITS:
        raise ValidationError(
            {name: f"must be a whole number of 0 or more, at most {MAX_INTEGER_DIGITS} digits"}
        )
    value = int(raw)
    if value < low or (high is not None and value > high):
        raise ValidationError(
            {name: f"must be between {low} and {high}" if high else f"must be {low} or more"}
        )
    return value


class ChangesView(ReferenceAPIView):
    """``GET changes/?since=SEQ&limit=N``: the changes after SEQ that concern this subscriber."""

    allowed_params = frozenset({"since", "limit"})

    @extend_schema(
        parameters=[
            OpenApiParameter("since", int, description="Last seq already applied (0 at first)."),
            OpenApiParameter(
                "limit", int, description=f"At most this many changes (1-{MAX_LIMIT})."
            ),
        ],
        responses={
            200: s.ChangePageSerializer,
            304: None,
            400: s.ErrorSerializer,
            410: s.GoneSerializer,
        },
    )
    def get(self, request: Request) -> Response:
        since = integer_param(request, "since", 0, 0, None)
        limit = integer_param(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        last, horizon = selectors.feed_position()
        if since < horizon:
            return Response(
                {
                    "detail": f"The cursor {since} is older than the compaction horizon {horizon}: "
                    "start again from the snapshot.",
                    "horizon": horizon,
                    "snapshot": request.build_absolute_uri("../snapshot/"),
                },
                status=status.HTTP_410_GONE,
            )
        subscriber = subscriber_of(request)
        tag = etag(subscriber.pk, subscriber.subscriptions_version, since, limit, horizon, last)
        if request.headers.get("If-None-Match") == tag:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": tag})
        page = selectors.change_page(subscriber, since=since, limit=limit)
        return Response(
            {"changes": page.changes, "next": page.next_cursor, "has_more": page.has_more},
            headers={"ETag": tag},
        )


def etag(*parts: object) -> str:
    return '"' + hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32] + '"'


class SnapshotView(ReferenceAPIView):
    """``GET snapshot/[?topic=T&topic=U...]``: the published state, streamed, with the seq it is
    consistent with; resume the change feed from that seq."""

    allowed_params = frozenset({"topic"})

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "topic",
                str,
                many=True,
                description=f"Only these subscriptions' topics (at most {MAX_SNAPSHOT_TOPICS}).",
            )
        ],
        responses={200: s.SnapshotSerializer, 400: s.ErrorSerializer},
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        subscriber = subscriber_of(request)
        topics = request.query_params.getlist("topic") or None
        if topics is not None:
            if len(topics) > MAX_SNAPSHOT_TOPICS:
                raise ValidationError({"topic": f"at most {MAX_SNAPSHOT_TOPICS} topics per call"})
            malformed = next((t for t in topics if not TOPIC.fullmatch(t)), None)
            if malformed is not None:
                raise ValidationError({"topic": f"not a topic (type:uuid): {malformed[:80]!r}"})
            if not subscriber.mirrors_everything:
                known = set(
                    Subscription.objects.filter(
                        subscriber=subscriber, topic__in=topics
                    ).values_list("topic", flat=True)
                )
                unknown = sorted(set(topics) - known)
                if unknown:
                    raise ValidationError(
                        {"topic": f"not one of this subscriber's subscriptions: {unknown[0]}"}
                    )
        response = StreamingHttpResponse(
            stream_snapshot(subscriber, topics), content_type="application/json"
        )
        response["Cache-Control"] = "no-store"
        return response


def stream_snapshot(subscriber: Any, topics: list[str] | None) -> Iterator[bytes]:
    # One REPEATABLE READ transaction: the rows and the seq come from the same instant.
    # (Inside an outer transaction, as in tests, that transaction already decides.)
    nested = connection.in_atomic_block
    with transaction.atomic():
        if not nested:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield b'{"seq": %d, "entities": [' % selectors.latest_seq()
        first = True
        buffer: list[bytes] = []
        for text in selectors.snapshot_rows(subscriber, topics):
            buffer.append((b"" if first else b",") + text.encode())
            first = False
            if len(buffer) >= 1000:
                yield b"".join(buffer)
                buffer.clear()
        buffer.append(b"]}")
        yield b"".join(buffer)


class SubscriptionsView(ReferenceAPIView):
    """``GET`` lists the subscriptions; ``POST {"type": "nomenclature", "uuid": ...}`` adds one.

    Subscribe first, then fetch the entity (``snapshot/?topic=``): no change can slip between.
    """

    @extend_schema(responses={200: s.SubscriptionSerializer(many=True)})
    def get(self, request: Request) -> Response:
        subscriber = subscriber_of(request)
        return Response(
            [
                {"topic": s.topic, "since": s.created}
                for s in subscriber.subscriptions.order_by("topic")
            ]
        )

    @extend_schema(
        request=s.SubscribeSerializer,
        responses={
            201: s.SubscriptionSerializer,
            200: s.SubscriptionSerializer(many=True),
            400: s.ErrorSerializer,
        },
        description="One object subscribes to one entity. A list of such objects (at most "
        f"{MAX_SUBSCRIBE_AT_ONCE}) subscribes to those that exist and answers, in the same "
        "order, their topics, with `topic: null` and the reason for an entity this server does "
        "not know; a malformed item (unknown type, not a UUID) subscribes to none.",
    )
    def post(self, request: Request) -> Response:
        subscriber = subscriber_of(request)
        if isinstance(request.data, list):
            items = request.data
            if len(items) > MAX_SUBSCRIBE_AT_ONCE:
                raise ValidationError(
                    {"detail": f"at most {MAX_SUBSCRIBE_AT_ONCE} subscriptions per call"}
                )
            wanted = [subscription_request(item, f"[{i}].") for i, item in enumerate(items)]
            # A SubscriptionRefused answers 400 naming its field (saas.errors).
            topics = services.subscribe_many(subscriber, wanted)
            return Response(
                [
                    {"topic": t}
                    if t is not None
                    else {"topic": None, "detail": f"no {wanted[i][0]} {wanted[i][1]}"}
                    for i, t in enumerate(topics)
                ]
            )
        entity_type, entity_uuid = subscription_request(request.data, "")
        subscription = services.subscribe(subscriber, entity_type, entity_uuid)
        return Response({"topic": subscription.topic}, status=status.HTTP_201_CREATED)


def subscription_request(data: Any, where: str) -> tuple[str, str]:
    if not isinstance(data, dict):
        raise ValidationError({where.rstrip(".") or "detail": "expected an object"})
    missing = {f"{where}{k}": "required" for k in ("type", "uuid") if not data.get(k)}
    if missing:
        raise ValidationError(missing)
    return str(data["type"]), str(data["uuid"])


class SubscriptionDetailView(ReferenceAPIView):
    @extend_schema(responses={204: None, 404: s.ErrorSerializer})
    def delete(self, request: Request, entity_type: str, entity_uuid: str) -> Response:
        # An unknown type or entity answers 404 naming its field (saas.errors).
        removed = services.unsubscribe(subscriber_of(request), entity_type, entity_uuid)
        if not removed:
            return Response({"detail": "not subscribed"}, status=status.HTTP_404_NOT_FOUND)
        return Response(status=status.HTTP_204_NO_CONTENT)


class NomenclatureListView(ReferenceAPIView):
    """The nomenclatures one can subscribe to."""

    @extend_schema(responses={200: s.NomenclatureSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(
            [
                {"uuid": str(n.uuid), "code": n.code, "name": n.name, "version": n.version}
                for n in NomenclatureSystem.objects.order_by("code")
            ]
        )


class PurchasingBodyListView(ReferenceAPIView):
    """The central purchasing bodies one can subscribe to (their markets and lots come with)."""

    @extend_schema(responses={200: s.PurchasingBodySerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(
            [
                {"uuid": str(b.uuid), "code": b.code, "name": b.name}
                for b in PurchasingBody.objects.exclude(status="deleted").order_by("name")
            ]
        )


class DeviceModelSearchView(ReferenceAPIView):
    """``GET device-models/?q=words[&manufacturer=UUID]``: live search over the whole catalogue,
    subscribed or not (published state only)."""

    allowed_params = frozenset({"q", "manufacturer", "limit"})

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Words of the manufacturer or model name."),
            OpenApiParameter("manufacturer", str, description="Only this manufacturer (UUID)."),
            OpenApiParameter("limit", int, description="At most this many (1-100, default 20)."),
        ],
        responses={200: s.CatalogueItemSerializer(many=True), 400: s.ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        query = request.query_params.get("q", "").strip()
        if len(query) < 2:
            raise ValidationError({"q": "give at least 2 characters"})
        manufacturer = request.query_params.get("manufacturer")
        if manufacturer is not None:
            try:
                uuid.UUID(manufacturer)
            except ValueError as exc:
                raise ValidationError({"manufacturer": "not a UUID"}) from exc
        limit = integer_param(request, "limit", 20, 1, 100)
        return Response(
            selectors.search_device_models(query, manufacturer=manufacturer, limit=limit)
        )


class TermSearchView(ReferenceAPIView):
    """``GET nomenclatures/UUID/terms/?q=``: search a nomenclature's terms by code or label."""

    allowed_params = frozenset({"q", "limit"})

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Start of a code, or words of a label."),
            OpenApiParameter("limit", int, description="At most this many (1-100, default 20)."),
        ],
        responses={200: s.CatalogueItemSerializer(many=True), 400: s.ErrorSerializer},
    )
    def get(self, request: Request, system_uuid: uuid.UUID) -> Response:
        query = request.query_params.get("q", "").strip()
        if not query:
            raise ValidationError({"q": "required"})
        limit = integer_param(request, "limit", 20, 1, 100)
        return Response(selectors.search_terms(str(system_uuid), query, limit))


class EntityLookupView(ReferenceAPIView):
    """``GET entities/UUID/``: the published state of any entity (subscribe first, then fetch)."""

    @extend_schema(responses={200: s.ChangeSerializer, 404: s.ErrorSerializer})
    def get(self, request: Request, entity_uuid: uuid.UUID) -> Response:
        row = selectors.published_entity(str(entity_uuid))
        if row is None:
            return Response({"detail": "no published entity with this UUID"}, status=404)
        return Response(
            {
                "seq": row.seq,
                "entity_type": row.entity_type,
                "entity_uuid": str(row.entity_uuid),
                "operation": row.operation,
                "payload": row.payload,
            }
        )


class MarketDocumentView(ReferenceAPIView):
    """``GET market-documents/UUID/``: a document of a market or lot (its payload's
    ``documents`` list the UUIDs), for a subscriber that follows its purchasing body."""

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            404: s.ErrorSerializer,
        }
    )
    def get(self, request: Request, document_uuid: uuid.UUID) -> HttpResponseBase:
        document = selectors.market_document_for(subscriber_of(request), str(document_uuid))
        if document is None:
            return Response(
                {"detail": "no document with this UUID for this subscriber"}, status=404
            )
        return document_response(document)


class ContributionsView(ReferenceAPIView):
    """``POST`` proposes a new device model or a correction; ``GET`` shows this subscriber's
    proposals and what the curators decided."""

    @extend_schema(responses={200: s.ContributionSerializer(many=True)})
    def get(self, request: Request) -> Response:
        mine = subscriber_of(request).contributions.select_related("target", "result")
        return Response([contribution_json(c) for c in mine[:200]])

    @extend_schema(
        request=s.ProposeSerializer,
        responses={201: s.ContributionSerializer, 400: s.ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        proposal = data.get("proposal")
        if not isinstance(proposal, dict):
            raise ValidationError({"proposal": "an object of the proposed values"})
        # A ContributionRefused answers 400 naming its field (saas.errors).
        try:
            contribution = contributions.propose(
                subscriber_of(request),
                kind=str(data.get("kind", "")),
                target_uuid=str(data["target"]) if data.get("target") else None,
                proposal=proposal,
                source=str(data.get("source", "")),
            )
        except DjangoValidationError as exc:  # a target that is not a UUID
            raise ValidationError({"target": "not a UUID"}) from exc
        return Response(contribution_json(contribution), status=status.HTTP_201_CREATED)


def contribution_json(c: Any) -> dict[str, Any]:
    return {
        "id": c.pk,
        "kind": c.kind,
        "target": str(c.target.uuid) if c.target else None,
        "proposal": c.proposal,
        "source": c.source,
        "status": c.status,
        "curator_note": c.curator_note,
        "decided_at": c.decided_at,
        "result": str(c.result.uuid) if c.result else None,
    }


class DocsView(SpectacularSwaggerSplitView):
    """The API's documentation page (Swagger UI), with its language declared (WCAG 3.1.1):
    drf-spectacular's template has none, and the schema it shows is written in English."""

    @extend_schema(exclude=True)  # a page about the API, not part of it
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().get(request, *args, **kwargs)
        response.add_post_render_callback(_declare_english)
        return response


def _declare_english(response: Any) -> None:
    response.content = response.content.replace(b"<html>", b'<html lang="en">', 1)
