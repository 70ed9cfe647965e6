"""The demo, in a database of its own, served by ``manage.py runserver``: what a person of each
role sees, with objects in every state, for the accessibility walk.

The database is built as ``dev.py start`` builds it (``migrate_schemas`` then ``load_demo``), in
a separate database so the walk's clicks leave the rest of the suite's data alone. When the
session makes its test database, the demo's starts as a copy of it taken right after its
migrations (``CREATE DATABASE ... TEMPLATE``: the public schema migrated and one spare schema in
the pool, which the demo's GHT claims), which spares the build minutes of migrating; otherwise
(the walk run alone) it is built from nothing. The build runs in the background while the
tests before the walk run (the walk comes last, see tests/conftest.py), and the walk waits for
it. Its Celery tasks (the demo's first syncs, an export) go to a queue of their own, which no
worker consumes and which is deleted after.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import dj_database_url
import requests

from saas.runner import ensure_database, run_on_server, stop_process

ROOT = Path(__file__).resolve().parent.parent.parent
SUFFIX = "_demo_walk"
DEMO_GHT = "ght-somme"


def demo_database_name() -> str:
    from django.conf import settings

    return f"test_{str(settings.DATABASES['default']['NAME']).removeprefix('test_')}{SUFFIX}"


@dataclass
class DemoSite:
    database_url: str
    mail_dir: Path
    port: int = 0
    queue: str = field(default_factory=lambda: f"demo-walk-{uuid.uuid4().hex[:8]}")
    process: subprocess.Popen[bytes] | None = None  # the build step or the web server
    failure: str = ""
    stopped: bool = False
    copied: bool = False  # the database is a copy of the test database's, made migrated

    @property
    def database_name(self) -> str:
        name = str(dj_database_url.parse(self.database_url)["NAME"])
        # Never anything but the walk's own database: it is dropped before and after.
        assert name.startswith("test_") and name.endswith(SUFFIX), name
        return name

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "CELERY_QUEUE": self.queue,
            "SPARE_SCHEMA_POOL_SIZE": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "PUBLIC_URL_PORT": str(self.port or 8000),
            # The demo's tenants sync from this closed port, not from a reference server
            # a developer may run on port 8000.
            "REFERENCE_API_URL": "http://127.0.0.1:9/api/reference/v1/",
        }

    def copy_database(self, template: str) -> None:
        """The demo's database as a copy of ``template``, which nobody may be connected to."""
        self.drop()
        run_on_server(
            self.database_url, (f'CREATE DATABASE "{self.database_name}" TEMPLATE "{template}"', [])
        )
        self.copied = True

    def build(self) -> None:
        """The demo in its database (run in a thread: two ``manage.py`` processes). A copied
        database has nothing to migrate; ``migrate_schemas`` still runs its post-migrate hooks."""
        try:
            if not self.copied:
                self.drop()
                ensure_database(self.database_url)
            for command in (
                ["migrate_schemas", "--noinput", "-v", "0"],
                # The GHT only: its census has a person of each role (the single hospital's
                # pages are the same pages).
                ["load_demo", "--tenant", DEMO_GHT],
            ):
                if self.stopped:
                    return
                self.process = subprocess.Popen(
                    [sys.executable, str(ROOT / "manage.py"), *command],
                    cwd=ROOT,
                    env=self.env(),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
                _out, errors = self.process.communicate()
                if self.process.returncode:
                    self.failure = f"manage.py {' '.join(command)}: {errors.decode()[-3000:]}"
                    return
        except Exception as exc:  # reported by the walk, which waits for the build
            self.failure = repr(exc)

    def serve(self, port: int) -> None:
        self.port = port
        command = ["runserver", f"127.0.0.1:{port}", "--noreload"]
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), *command],
            cwd=ROOT,
            env=self.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the demo's web server died at start-up")
            try:
                requests.get(
                    f"http://127.0.0.1:{port}/health/", headers={"Host": "localhost"}, timeout=10
                )
                if self.process.poll() is None:  # ours answered, not another server
                    return
            except (requests.ConnectionError, requests.Timeout):  # not up, or slow to first answer
                time.sleep(0.2)
        stop_process(self.process)
        raise RuntimeError("the demo's web server did not answer within 60 s")

    def sync_from_itself(self, subdomain: str) -> None:
        """The tenant's first reference sync, from the demo's own reference server (as the
        worker of ``dev.py start`` does): it brings the central markets the GHT follows."""
        from saas.tenancy.provisioning import schema_name_for

        env = {**self.env(), "REFERENCE_API_URL": f"{self.url()}/api/reference/v1/"}
        done = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "sync_reference", schema_name_for(subdomain)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            timeout=300,
        )
        if done.returncode:
            raise RuntimeError(f"the demo's sync failed: {done.stderr.decode()[-3000:]}")

    def drop(self) -> None:
        run_on_server(
            self.database_url, (f'DROP DATABASE IF EXISTS "{self.database_name}" (FORCE)', [])
        )

    def stop(self) -> None:
        """Stop the build or the server, drop the database, delete the Celery queue."""
        self.stopped = True
        if self.process is not None:
            stop_process(self.process)
        self.drop()
        import redis
        from django.conf import settings

        redis.Redis.from_url(settings.REDIS_URL).delete(self.queue)

    def url(self, subdomain: str = "") -> str:
        host = f"{subdomain}.localhost" if subdomain else "localhost"
        return f"http://{host}:{self.port}"


_building: tuple[DemoSite, threading.Thread] | None = None
wanted = False  # the walk is among the collected tests


def start_building(template: str | None = None) -> None:
    """Start the build in the background (once per test session), in a copy of ``template``
    when given (a database nobody is connected to, made migrated)."""
    from tests.conftest import database_url

    global _building
    if _building is None:
        mail_dir = Path(tempfile.mkdtemp(prefix="demo-walk-mail-"))
        site = DemoSite(database_url(demo_database_name()), mail_dir)
        if template:
            site.copy_database(template)
        thread = threading.Thread(target=site.build, name="demo-walk-build", daemon=True)
        thread.start()
        _building = (site, thread)


def built_site(port: int) -> DemoSite:
    """The demo, built (waiting for the background build if one runs) and served."""
    start_building()
    assert _building is not None
    site, thread = _building
    if not site.copied:
        # Only when the test database was set up before this process knew it would walk (a
        # pytest-xdist worker given the walk after another file): correct, but minutes slower.
        warnings.warn(
            "the accessibility walk's demo was built from nothing, not from a copy of the "
            "migrated test database (see tests/conftest.py: pytest_collection_modifyitems)",
            stacklevel=2,
        )
    thread.join()
    if site.failure:
        raise RuntimeError(f"the demo could not be built: {site.failure}")
    site.serve(port)
    site.sync_from_itself(DEMO_GHT)
    return site


def stop_building() -> None:
    """Whatever state the demo is in (building, served, stopped): nothing is left of it."""
    global _building
    if _building is not None:
        site, thread = _building
        _building = None
        site.stop()
        thread.join(timeout=30)
        site.drop()  # a build step that was starting when it was stopped
        import shutil

        shutil.rmtree(site.mail_dir, ignore_errors=True)
