"""A burst of concurrent requests beyond what PostgreSQL accepts answers 503 with Retry-After.

runserver starts a thread, hence a database connection, per request. The burst is bounded and
the limit is a role's CONNECTION LIMIT, not the server's max_connections: the test exhausts
what its own server may open, never what the other users of the database server need.
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from django.db import connection

from saas.runner import stop_process
from tests import conftest
from tests.conftest import ROOT, free_port, process_env

pytestmark = pytest.mark.slow

CONNECTION_LIMIT = 2
BURST = 24


@pytest.fixture
def limited_role(django_db_setup, django_db_blocker) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A login role that may hold CONNECTION_LIMIT connections and reads what postgres owns."""
    name = f"burst_{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {name} LOGIN CONNECTION LIMIT {CONNECTION_LIMIT}")
        cursor.execute(f"GRANT {connection.settings_dict.get('USER') or 'postgres'} TO {name}")
    yield name
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", [name]
        )
        cursor.execute(f"DROP ROLE {name}")


@pytest.fixture
def limited_server(limited_role: str, mail_dir: Path) -> Iterator[int]:
    """``manage.py runserver`` on the test database, connecting as the limited role."""
    port = free_port()
    url = conftest.test_database_url()
    url = url.replace("postgres://postgres@", f"postgres://{limited_role}@", 1)
    assert limited_role in url, url
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=process_env(mail_dir, DATABASE_URL=url, PUBLIC_URL_PORT=str(port)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=10)
            break
        except (requests.ConnectionError, requests.Timeout):  # not up, or slow to first answer
            if server.poll() is not None:
                raise RuntimeError("the web server died at start-up") from None
            time.sleep(0.2)
    yield port
    stop_process(server)


def test_a_burst_beyond_the_connection_limit_answers_503_with_retry_after(
    limited_server, limited_role, django_db_blocker
):
    url = f"http://127.0.0.1:{limited_server}/accounts/login/"

    def one(_: int) -> requests.Response:
        return requests.get(url, headers={"Host": "alpha.localhost"}, timeout=30)

    with ThreadPoolExecutor(max_workers=BURST) as pool:
        responses = list(pool.map(one, range(BURST)))
    statuses = Counter(r.status_code for r in responses)
    assert set(statuses) <= {200, 503}, statuses
    assert statuses[503] >= 1, f"the burst never exceeded the limit: {statuses}"
    busy = next(r for r in responses if r.status_code == 503)
    assert busy.headers["Retry-After"] == "5"
    assert "Réessayez" in busy.text or "Try again" in busy.text
    # Once the burst is over (PostgreSQL needs a moment to end the closed sessions), the
    # server answers normally again: no connection leaked.
    deadline = time.monotonic() + 10
    django_db_blocker.unblock()
    while one(0).status_code != 200:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid, state, backend_start, left(query, 80) FROM pg_stat_activity "
                "WHERE usename = %s",
                [limited_role],
            )
            held = cursor.fetchall()
        assert time.monotonic() < deadline, f"still refused 10 s after the burst: {held}"
        time.sleep(0.5)
