"""Two connections allocating at the same moment, each in its own thread and transaction:
they never get the same number, and one waits for the other's uncommitted allocation."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django_tenants.utils import tenant_context

from saas.tenancy.models import Tenant
from tenants.numbering.models import Counter
from tenants.numbering.services import allocate

# A prefix of these tests only: what they commit is removed afterwards.
PREFIX = "TST"
YEAR = 2095


@pytest.fixture
def alpha(django_db_setup, live_db) -> Iterator[Tenant]:  # type: ignore[no-untyped-def]
    tenant = Tenant.objects.get(schema_name="t_alpha")
    yield tenant
    with tenant_context(tenant):
        Counter.objects.filter(prefix=PREFIX).delete()


def in_own_connection(tenant: Tenant, work: Callable[[], Any]) -> Callable[[], None]:
    """``work`` in a thread of its own: Django gives each thread its own database connection."""
    database = connection.settings_dict["NAME"]  # the test database, not the configured one

    def run() -> None:
        connection.settings_dict["NAME"] = database
        connection.set_tenant(tenant)  # type: ignore[attr-defined]
        try:
            work()
        finally:
            connection.close()

    return run


def run_together(*targets: Callable[[], None]) -> None:
    threads = [threading.Thread(target=target) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not any(thread.is_alive() for thread in threads)


def test_two_connections_allocating_at_once_never_get_the_same_number(alpha):
    got: dict[str, list[str]] = {"first": [], "second": []}
    start = threading.Barrier(2)

    def allocating(name: str) -> Callable[[], None]:
        def work() -> None:
            start.wait(10)
            for _ in range(40):
                with transaction.atomic():
                    got[name].append(allocate(PREFIX, YEAR))

        return in_own_connection(alpha, work)

    run_together(allocating("first"), allocating("second"))

    everything = got["first"] + got["second"]
    assert len(everything) == 80 and len(set(everything)) == 80
    assert sorted(everything) == [f"{PREFIX}-{YEAR}-{n:05d}" for n in range(1, 81)]


@pytest.mark.parametrize("first_ends", ["commit", "rollback"])
def test_an_uncommitted_allocation_makes_the_other_connection_wait(alpha, first_ends):
    """The second connection waits for the first one's transaction; it then takes the next
    number if the first committed, or the same one if it rolled back (never used, no gap)."""
    first_allocated = threading.Event()
    outcomes: dict[str, Any] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                outcomes["first"] = allocate(PREFIX, YEAR)
                first_allocated.set()
                time.sleep(0.6)  # the second one asks while this one is not committed
                if first_ends == "rollback":
                    raise RuntimeError("the creation failed")
        except RuntimeError:
            pass

    def second() -> None:
        first_allocated.wait(10)
        started = time.monotonic()
        with transaction.atomic():
            outcomes["second"] = allocate(PREFIX, YEAR)
        outcomes["waited"] = time.monotonic() - started

    run_together(in_own_connection(alpha, first), in_own_connection(alpha, second))

    assert outcomes["first"] == f"{PREFIX}-{YEAR}-00001"
    assert outcomes["waited"] >= 0.4  # it did wait for the first one's row lock
    expected = "00002" if first_ends == "commit" else "00001"
    assert outcomes["second"] == f"{PREFIX}-{YEAR}-{expected}"
    with tenant_context(alpha):
        assert Counter.objects.get(prefix=PREFIX, year=YEAR).last == int(expected)
