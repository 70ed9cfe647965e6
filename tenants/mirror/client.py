"""Talking to the reference server's sync API over HTTP, as any subscriber does.

The same code serves our tenants and an on-premises installation: it only knows the API's
address and a key. Failures are sorted by what the caller should do about them: try again
later (the server is down, slow or failing), start again from snapshots (410: the cursor is
older than the log's horizon), or stop and tell someone (anything else the server refused,
or an answer that is not what v1 promises).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings

TIMEOUT = (5, 30)  # seconds to connect, to read: a sync in a worker can wait
INTERACTIVE_TIMEOUT = (3, 5)  # a page someone is looking at cannot
PAGE_SIZE = 500  # changes per page (REFERENCE_SYNC_PAGE_SIZE overrides it)
SUBSCRIBE_BATCH = 1000  # the server's limit per call
SNAPSHOT_TOPICS = 200  # topics per snapshot call (the server's limit)


class SyncFailed(Exception):
    """Base of what a sync can fail with; the message is shown on the status page."""


class ReferenceUnavailable(SyncFailed):
    """Down, slow or answering 5xx/429: try again later."""


class CursorGone(SyncFailed):
    """410: the change log no longer reaches back to our cursor."""


class ReferenceRefused(SyncFailed):
    """A 4xx other than 410 (a revoked key, say): retrying will not help."""

    def __init__(self, message: str, body: Any = None) -> None:
        super().__init__(message)
        self.body = body  # the server's reasons, field by field, when it gave them


def _json_or_none(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


class UnexpectedAnswer(SyncFailed):
    """The answer is not what API v1 promises: that page is refused."""


MAX_DOCUMENT_BYTES = 25 * 1024 * 1024  # the reference server accepts 20 MB


@dataclass(frozen=True)
class Download:
    content: bytes
    content_type: str
    disposition: str


@dataclass(frozen=True)
class ChangePage:
    changes: list[dict[str, Any]]
    next_cursor: int
    has_more: bool


CHANGE_FIELDS = {"seq": int, "entity_type": str, "entity_uuid": str, "operation": str}


def check_change(change: Any, where: str) -> dict[str, Any]:
    if not isinstance(change, dict):
        raise UnexpectedAnswer(f"{where}: a change must be an object")
    for name, kind in CHANGE_FIELDS.items():
        if not isinstance(change.get(name), kind):
            raise UnexpectedAnswer(f"{where}.{name}: expected {kind.__name__}")
    if change["operation"] not in ("upsert", "tombstone"):
        raise UnexpectedAnswer(f"{where}.operation: unknown {change['operation']!r}")
    if change["operation"] == "upsert" and not isinstance(change.get("payload"), dict):
        raise UnexpectedAnswer(f"{where}.payload: expected an object")
    return change


class ReferenceClient:
    def __init__(self, base_url: str, api_key: str, *, timeout: Any = TIMEOUT) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Api-Key {api_key}"
        self.session.headers["Accept"] = "application/json"
        self.timeout = timeout

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._request(method, path, **kwargs)
        if response.status_code == 204:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise UnexpectedAnswer(f"{response.url}: the answer is not JSON") from exc

    def _request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        url = self.base_url + path
        try:
            response = self.session.request(method, url, timeout=self.timeout, **kwargs)
        except (requests.exceptions.MissingSchema, requests.exceptions.InvalidURL) as exc:
            raise ReferenceRefused(f"{url}: not a usable address ({exc})") from exc
        except requests.Timeout as exc:
            raise ReferenceUnavailable(f"{url}: no answer within {self.timeout} s") from exc
        except requests.RequestException as exc:
            raise ReferenceUnavailable(f"{url}: unreachable ({exc.__class__.__name__})") from exc
        if response.status_code == 410:
            raise CursorGone(f"{url}: the cursor is older than the change log (410)")
        if response.status_code == 429 or response.status_code >= 500:
            raise ReferenceUnavailable(f"{url}: answered {response.status_code}")
        if response.status_code >= 400:
            raise ReferenceRefused(
                f"{url}: answered {response.status_code}: {response.text[:300]}",
                body=_json_or_none(response),
            )
        return response

    def market_document(self, document_uuid: str) -> Download:
        """A central market's document (its UUID from the market's or lot's payload)."""
        response = self._request("GET", f"market-documents/{document_uuid}/")
        if len(response.content) > MAX_DOCUMENT_BYTES:
            raise UnexpectedAnswer("market-documents: larger than any document may be")
        return Download(
            content=response.content,
            content_type=response.headers.get("Content-Type", "application/octet-stream"),
            disposition=response.headers.get("Content-Disposition", "attachment"),
        )

    def changes(self, since: int, limit: int | None = None) -> ChangePage:
        limit = limit or getattr(settings, "REFERENCE_SYNC_PAGE_SIZE", PAGE_SIZE)
        body = self._call("GET", "changes/", params={"since": since, "limit": limit})
        if not isinstance(body, dict) or not isinstance(body.get("changes"), list):
            raise UnexpectedAnswer("changes: expected an object with a list of changes")
        if not isinstance(body.get("next"), int) or not isinstance(body.get("has_more"), bool):
            raise UnexpectedAnswer("changes: 'next' and 'has_more' are missing")
        changes = [check_change(c, f"changes[{i}]") for i, c in enumerate(body["changes"])]
        if any(c["seq"] <= since for c in changes) or body["next"] < since:
            raise UnexpectedAnswer(f"changes: the page goes back before the cursor {since}")
        return ChangePage(changes, body["next"], body["has_more"])

    def subscribe(self, entity_type: str, entity_uuid: str) -> str:
        body = self._call("POST", "subscriptions/", json={"type": entity_type, "uuid": entity_uuid})
        if not isinstance(body, dict) or not isinstance(body.get("topic"), str):
            raise UnexpectedAnswer("subscriptions: expected the topic subscribed")
        return str(body["topic"])

    def subscribe_many(self, wanted: list[tuple[str, str]]) -> list[str | None]:
        """Subscribe to the (type, uuid) pairs; the topics in the same order, None for an
        entity the server does not know."""
        topics: list[str | None] = []
        for start in range(0, len(wanted), SUBSCRIBE_BATCH):
            batch = wanted[start : start + SUBSCRIBE_BATCH]
            body = self._call(
                "POST", "subscriptions/", json=[{"type": t, "uuid": u} for t, u in batch]
            )
            if not isinstance(body, list) or len(body) != len(batch):
                raise UnexpectedAnswer("subscriptions: expected one answer per entity asked")
            for item in body:
                topic = item.get("topic") if isinstance(item, dict) else ""
                if (topic is not None and not isinstance(topic, str)) or topic == "":
                    raise UnexpectedAnswer("subscriptions: expected a topic or null per entity")
                topics.append(topic)
        return topics

    def followable(self) -> dict[str, list[dict[str, Any]]]:
        """What a subscriber may follow whole: nomenclatures and purchasing bodies."""
        found: dict[str, list[dict[str, Any]]] = {}
        for kind, path in (
            ("nomenclature", "nomenclatures/"),
            ("purchasing_body", "purchasing-bodies/"),
        ):
            body = self._call("GET", path)
            if not isinstance(body, list):
                raise UnexpectedAnswer(f"{path}: expected a list")
            found[kind] = [
                b for b in body if isinstance(b, dict) and isinstance(b.get("uuid"), str)
            ]
        return found

    def unsubscribe(self, entity_type: str, entity_uuid: str) -> None:
        try:
            self._call("DELETE", f"subscriptions/{entity_type}/{entity_uuid}/")
        except ReferenceRefused as exc:
            if "not subscribed" not in str(exc):  # already gone: what was asked
                raise

    def search_device_models(self, query: str, limit: int = 15) -> list[dict[str, Any]]:
        """Live search over the whole published catalogue, subscribed or not."""
        body = self._call("GET", "device-models/", params={"q": query, "limit": limit})
        if not isinstance(body, list):
            raise UnexpectedAnswer("device-models: expected a list")
        return [m for m in body if isinstance(m, dict) and isinstance(m.get("uuid"), str)]

    def propose_correction(
        self, model_uuid: str, proposal: dict[str, Any], source: str
    ) -> dict[str, Any]:
        """Send a correction of a device model to the curators' queue; the recorded proposal."""
        body = self._call(
            "POST",
            "contributions/",
            json={
                "kind": "correction",
                "target": model_uuid,
                "proposal": proposal,
                "source": source,
            },
        )
        if not isinstance(body, dict) or not isinstance(body.get("id"), int):
            raise UnexpectedAnswer("contributions: expected the recorded contribution")
        return body

    def contributions(self) -> list[dict[str, Any]]:
        """This subscriber's proposals and what the curators decided."""
        body = self._call("GET", "contributions/")
        if not isinstance(body, list):
            raise UnexpectedAnswer("contributions: expected a list")
        return [c for c in body if isinstance(c, dict) and isinstance(c.get("id"), int)]

    def subscriptions(self) -> list[str]:
        body = self._call("GET", "subscriptions/")
        if not isinstance(body, list):
            raise UnexpectedAnswer("subscriptions: expected a list")
        return [str(s.get("topic")) for s in body if isinstance(s, dict)]

    def snapshot(self, topics: list[str] | None = None) -> tuple[int, list[dict[str, Any]]]:
        """The published state (of some topics), and the seq it is consistent with."""
        body = self._call("GET", "snapshot/", params={"topic": topics} if topics else None)
        if not isinstance(body, dict) or not isinstance(body.get("seq"), int):
            raise UnexpectedAnswer("snapshot: expected an object with its seq")
        entities = body.get("entities")
        if not isinstance(entities, list):
            raise UnexpectedAnswer("snapshot: expected a list of entities")
        return body["seq"], [check_change(e, f"entities[{i}]") for i, e in enumerate(entities)]
