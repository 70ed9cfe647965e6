"""The sync API's limits, hit by real concurrent clients against a real server process:
per key, counted without losing increments; refused keys, per client address."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from saas.runner import stop_process
from shared_reference.models import Subscriber, SubscriberAPIKey
from tests.conftest import ROOT, free_port, process_env

KEY_RATE = 40
FAILED_KEY_RATE = 5


@pytest.fixture(scope="module")
def limited_server(django_db_setup, mail_dir) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """``runserver`` with small daily limits (a window the test cannot straddle but at
    midnight), behind a trusted proxy (nginx's X-Real-IP): each test names its client address."""
    port = free_port()
    env = process_env(
        mail_dir,
        REFERENCE_API_RATE=f"{KEY_RATE}/day",
        REFERENCE_API_FAILED_KEY_RATE=f"{FAILED_KEY_RATE}/day",
        TRUST_X_REAL_IP="1",
    )
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/health/", headers={"Host": "localhost"})
            break
        except requests.ConnectionError:
            if server.poll() is not None:
                raise RuntimeError("the web server died at start-up") from None
            time.sleep(0.2)
    yield f"http://127.0.0.1:{port}/api/reference/v1/subscriptions/"
    stop_process(server)


@pytest.fixture
def secret(live_db) -> Iterator[str]:  # type: ignore[no-untyped-def]
    subscriber = Subscriber.objects.create(name=f"CH {uuid.uuid4().hex[:6]}")
    _key, secret = SubscriberAPIKey.objects.create_key(name="k", subscriber=subscriber)
    yield secret
    subscriber.delete()


def an_address() -> str:
    """A client address of its own for each test: counters live in Redis across runs."""
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"


def hammer(url: str, key: str, address: str, *, threads: int, each: int) -> Counter[int]:
    def one_client(_n: int) -> list[int]:
        with requests.Session() as session:
            session.headers.update(
                {"Host": "localhost", "Authorization": f"Api-Key {key}", "X-Real-IP": address}
            )
            return [session.get(url, timeout=30).status_code for _ in range(each)]

    with ThreadPoolExecutor(threads) as pool:
        return Counter(code for codes in pool.map(one_client, range(threads)) for code in codes)


def test_concurrent_requests_of_one_key_are_all_counted(limited_server, secret):
    codes = hammer(limited_server, secret, an_address(), threads=4, each=25)
    assert codes == Counter({200: KEY_RATE, 429: 100 - KEY_RATE})


def test_an_address_sending_wrong_keys_is_throttled_and_others_are_not(limited_server, secret):
    address = an_address()
    wrong = [f"unknown{n}.wrong{n}" for n in range(FAILED_KEY_RATE + 3)]

    def get(key: str, client: str) -> requests.Response:
        return requests.get(
            limited_server,
            headers={"Host": "localhost", "Authorization": f"Api-Key {key}", "X-Real-IP": client},
            timeout=30,
        )

    answers = [get(key, address) for key in wrong]
    assert [a.status_code for a in answers[:FAILED_KEY_RATE]] == [401] * FAILED_KEY_RATE
    assert all(a.status_code == 429 for a in answers[FAILED_KEY_RATE:])
    assert "Retry-After" in answers[-1].headers
    # The right key from that address still works: a stranger's wrong keys from an address
    # that subscribers share (a proxy, a NAT) must not stop their sync.
    assert get(secret, address).status_code == 200
    # Another address is unaffected.
    assert get(wrong[0], an_address()).status_code == 401


def test_a_wrong_secret_of_a_known_key_is_counted_but_never_blocks_the_key(limited_server, secret):
    address = an_address()
    prefix = secret.partition(".")[0]
    codes = [
        requests.get(
            limited_server,
            headers={
                "Host": "localhost",
                "Authorization": f"Api-Key {prefix}.wrong{n}",
                "X-Real-IP": address,
            },
            timeout=30,
        ).status_code
        for n in range(FAILED_KEY_RATE + 1)
    ]
    assert codes == [401] * (FAILED_KEY_RATE + 1)
    # Counted: the address is now over its limit for unknown keys.
    refused = requests.get(
        limited_server,
        headers={"Host": "localhost", "Authorization": "Api-Key nobody.x", "X-Real-IP": address},
        timeout=30,
    )
    assert refused.status_code == 429


def test_wrong_keys_sent_together_are_counted_too(limited_server):
    codes = hammer(limited_server, "nobody.wrong", an_address(), threads=4, each=5)
    # Checked before counting, so up to one in flight per thread may slip past the limit.
    assert FAILED_KEY_RATE <= codes[401] <= FAILED_KEY_RATE + 3
    assert codes[429] == 20 - codes[401]
