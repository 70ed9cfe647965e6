"""Reference server speed: publishing, the change feed, the snapshot and the 304 path.

    python3 dev.py bench reference [--models 100000] [--release 10000]

Runs in a throw-away database next to the configured one (dropped at the end), through
Django's in-process test client (no sockets: the figures are the server's own cost).
Each figure stands next to a baseline measured in the same run:

- publishing a 10,000-change release, against writing the same rows one ORM save at a time;
- pulling the whole feed (EMDN + N device models) by cursor pages, against OFFSET pages;
- streaming the snapshot, against building the same JSON in memory (peak memory compared);
- a conditional GET answered 304, against the same page answered 200.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

from bench.common import in_throwaway_database

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--models", type=int, default=100_000, help="device models in the catalogue"
    )
    parser.add_argument("--release", type=int, default=10_000, help="changes in the timed release")
    args = parser.parse_args()
    return in_throwaway_database(run, args, REFERENCE_API_RATE="1000000/min")


def run(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client

    from saas.tenancy.services import ensure_public_tenant
    from shared_reference.fhir import parse_codesystem
    from shared_reference.models import (
        ChangeLogEntry,
        ChangeOperation,
        DeviceModel,
        Manufacturer,
        PublishedEntity,
        Release,
        Subscriber,
        SubscriberAPIKey,
    )
    from shared_reference.services import import_codesystem, publish_release

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    ensure_public_tenant()  # the public host the API is served on
    emdn = ROOT / "shared_reference/fixtures/CodeSystem-emdn.json"
    import_codesystem(parse_codesystem(emdn.read_bytes()))
    publish_release(notes="EMDN", by="bench")
    makers = Manufacturer.objects.bulk_create(
        [Manufacturer(name=f"Manufacturer {i:03d}", dirty=False) for i in range(200)]
    )

    def add_models(count: int, start: int) -> None:
        DeviceModel.objects.bulk_create(
            [
                DeviceModel(
                    manufacturer=makers[i % len(makers)],
                    commercial_name=f"Model {i:06d}",
                    end_of_support_source="bench",
                    expected_life_years=8,
                )
                for i in range(start, start + count)
            ],
            batch_size=5000,
        )

    # 1. A release of N changes, against per-row saves of the same rows.
    add_models(args.release, 0)
    start = time.perf_counter()
    release = publish_release(notes="timed", by="bench")
    ours = time.perf_counter() - start
    assert release.change_count == args.release
    models = list(
        DeviceModel.objects.select_related("manufacturer").prefetch_related("terms")[: args.release]
    )
    baseline_release = Release.objects.create(number=release.number + 1, published_by="bench")
    start = time.perf_counter()
    with transaction.atomic():
        for model in models:
            entry = ChangeLogEntry.objects.create(
                release=baseline_release,
                entity_type="device_model",
                entity_uuid=model.uuid,
                topic=model.topic(),
                operation=ChangeOperation.UPSERT,
                payload=model.payload(),
            )
            PublishedEntity.objects.update_or_create(
                entity_uuid=model.uuid,
                defaults={
                    "entity_type": "device_model",
                    "topic": entry.topic,
                    "seq": entry.seq,
                    "operation": entry.operation,
                    "payload": entry.payload,
                },
            )
    naive = time.perf_counter() - start
    print(
        f"| publish a release of {args.release:,} changes | {ours:.2f} s "
        f"({args.release / ours:,.0f} changes/s) "
        f"| per-row ORM saves: {naive:.2f} s | {naive / ours:.1f}x |"
    )

    # The rest of the catalogue, published (untimed).
    add_models(args.models - args.release, args.release)
    publish_release(notes="catalogue", by="bench")
    total = ChangeLogEntry.objects.count()
    subscriber = Subscriber.objects.create(name="on-premises", mirrors_everything=True)
    _, secret = SubscriberAPIKey.objects.create_key(name="bench", subscriber=subscriber)
    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Api-Key {secret}")

    # 2. The whole feed by cursor, against OFFSET pagination of the same rows.
    since, rows, start = 0, 0, time.perf_counter()
    while True:
        body = client.get("/api/reference/v1/changes/", {"since": since, "limit": 1000}).json()
        rows += len(body["changes"])
        since = body["next"]
        if not body["has_more"]:
            break
    feed = time.perf_counter() - start
    assert rows == total, (rows, total)
    start, offset = time.perf_counter(), 0
    while True:
        page = list(
            ChangeLogEntry.objects.order_by("seq").values(
                "seq", "entity_type", "entity_uuid", "operation", "payload"
            )[offset : offset + 1000]
        )
        json.dumps(page, default=str)
        offset += 1000
        if len(page) < 1000:
            break
    offset_time = time.perf_counter() - start
    print(
        f"| full change feed, {total:,} rows by pages of 1,000 | {feed:.2f} s "
        f"({total / feed:,.0f} rows/s) "
        f"| OFFSET pages (query + JSON only): {offset_time:.2f} s | {offset_time / feed:.1f}x |"
    )

    # 3. The snapshot streamed, against the same JSON built in memory.
    tracemalloc.start()
    start = time.perf_counter()
    response = client.get("/api/reference/v1/snapshot/")
    chunks = response.streaming_content  # type: ignore[attr-defined]
    size = sum(len(bytes(chunk)) for chunk in chunks)
    stream_time = time.perf_counter() - start
    _, stream_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    tracemalloc.start()
    start = time.perf_counter()
    everything = list(
        PublishedEntity.objects.order_by("seq").values(
            "seq", "entity_type", "entity_uuid", "operation", "payload"
        )
    )
    built = json.dumps({"seq": 0, "entities": everything}, default=str).encode()
    build_time = time.perf_counter() - start
    _, build_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    count = PublishedEntity.objects.count()
    print(
        f"| snapshot, {count:,} entities ({size / 1e6:.0f} MB) | {stream_time:.2f} s "
        f"({count / stream_time:,.0f} rows/s), peak {stream_peak / 1e6:.0f} MB "
        f"| built in memory: {build_time:.2f} s, peak {build_peak / 1e6:.0f} MB "
        f"({len(built) / 1e6:.0f} MB) "
        f"| memory {build_peak / stream_peak:.1f}x less |"
    )

    # 4. The 304 path against the same request answered in full.
    first = client.get("/api/reference/v1/changes/", {"since": 0, "limit": 500})
    tag = first["ETag"]
    cached, full = [], []
    for _ in range(200):
        t = time.perf_counter()
        assert (
            client.get(
                "/api/reference/v1/changes/", {"since": 0, "limit": 500}, HTTP_IF_NONE_MATCH=tag
            ).status_code
            == 304
        )
        cached.append(time.perf_counter() - t)
        t = time.perf_counter()
        client.get("/api/reference/v1/changes/", {"since": 0, "limit": 500})
        full.append(time.perf_counter() - t)
    med = statistics.median
    print(
        f"| conditional GET answered 304 (median of 200) | {med(cached) * 1000:.2f} ms "
        f"| same page answered 200: {med(full) * 1000:.2f} ms | {med(full) / med(cached):.1f}x |"
    )


if __name__ == "__main__":
    sys.exit(main())
