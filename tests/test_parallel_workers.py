"""pytest-xdist's workers (``dev.py test``) share the database server and Redis: what each keeps
apart from the others. Run in one process, there is nothing to keep apart."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection

from tests.conftest import process_env, xdist_worker


@pytest.fixture
def worker(request) -> str:  # type: ignore[no-untyped-def]
    worker = xdist_worker(request.config)
    if not worker:
        pytest.skip("the tests run in one process")
    return worker


def test_a_worker_has_its_own_test_database(worker, db):
    assert connection.settings_dict["NAME"].endswith(f"_{worker}")


def test_a_worker_and_the_processes_it_starts_have_their_own_cache_keys(worker):
    assert cache.make_key("throttle:x").split(":")[1] == f"test-{worker}"
    assert process_env(Path("/tmp"))["CACHE_KEY_PREFIX"] == f"test-{worker}"
