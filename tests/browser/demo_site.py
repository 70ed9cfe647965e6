"""The demo, in a database of its own, served by ``manage.py runserver``: what a person of each
role sees, with objects in every state, for the accessibility walk.

The database is built as ``dev.py start`` builds it (``migrate_schemas`` then ``load_demo``), in
a separate database so the walk's clicks leave the rest of the suite's data alone. The build
starts in the background as soon as the walk is collected (see tests/conftest.py), so it runs
while the tests before it do; the walk waits for it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
import requests

from saas.runner import ensure_database, run_on_server, stop_process

ROOT = Path(__file__).resolve().parent.parent.parent


def demo_database_url() -> str:
    """The server of the suite's database, with a database name of the walk's own."""
    from django.conf import settings

    base = os.environ.get("DATABASE_URL", "")
    if not base:  # settings were given otherwise: rebuild the URL from them
        db = settings.DATABASES["default"]
        host = db.get("HOST") or db.get("OPTIONS", {}).get("host", "")
        user = db.get("USER") or "postgres"
        if host.startswith("/"):
            base = f"postgres://{user}@/postgres?host={host}"
        else:
            port = f":{db['PORT']}" if db.get("PORT") else ""
            base = f"postgres://{user}@{host}{port}/postgres"
    name = str(dj_database_url.parse(base)["NAME"] or "postgres")
    return base.replace(f"/{name}", f"/test_{name}_demo_walk", 1)


@dataclass
class DemoSite:
    database_url: str
    mail_dir: Path
    port: int = 0
    server: subprocess.Popen[bytes] | None = None
    failure: str = ""

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "SPARE_SCHEMA_POOL_SIZE": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "PUBLIC_URL_PORT": str(self.port),
            # The demo's tenants sync from this closed port, not from a reference server
            # a developer may run on port 8000.
            "REFERENCE_API_URL": "http://127.0.0.1:9/api/reference/v1/",
        }

    def build(self) -> None:
        """A new database holding the demo (run in a thread: two ``manage.py`` processes)."""
        name = str(dj_database_url.parse(self.database_url)["NAME"])
        try:
            run_on_server(self.database_url, (f'DROP DATABASE IF EXISTS "{name}" (FORCE)', []))
            ensure_database(self.database_url)
            for command in (
                ["migrate_schemas", "--noinput", "-v", "0"],
                # The GHT only: its census has a person of each role (the single hospital's
                # pages are the same pages).
                ["load_demo", "--tenant", "ght-somme"],
            ):
                done = subprocess.run(
                    [sys.executable, str(ROOT / "manage.py"), *command],
                    cwd=ROOT,
                    env=self.env(),
                    capture_output=True,
                    text=True,
                )
                if done.returncode:
                    self.failure = f"manage.py {' '.join(command)}: {done.stderr[-3000:]}"
                    return
        except Exception as exc:  # reported by the walk, which waits for the build
            self.failure = repr(exc)

    def serve(self) -> None:
        self.server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=ROOT,
            env=self.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                requests.get(
                    f"http://127.0.0.1:{self.port}/health/",
                    headers={"Host": "localhost"},
                    timeout=1,
                )
                return
            except requests.ConnectionError:
                if self.server.poll() is not None:
                    raise RuntimeError("the demo's web server died at start-up") from None
                time.sleep(0.2)
        raise RuntimeError("the demo's web server did not answer within 60 s")

    def stop(self) -> None:
        if self.server is not None:
            stop_process(self.server)
        name = str(dj_database_url.parse(self.database_url)["NAME"])
        run_on_server(self.database_url, (f'DROP DATABASE IF EXISTS "{name}" (FORCE)', []))

    def url(self, subdomain: str = "") -> str:
        host = f"{subdomain}.localhost" if subdomain else "localhost"
        return f"http://{host}:{self.port}"


_building: tuple[DemoSite, threading.Thread] | None = None


def start_building(port: int) -> None:
    """Start the build in the background (once per test session)."""
    global _building
    if _building is None:
        site = DemoSite(demo_database_url(), Path(tempfile.mkdtemp(prefix="demo-walk-mail-")), port)
        thread = threading.Thread(target=site.build, name="demo-walk-build", daemon=True)
        thread.start()
        _building = (site, thread)


def built_site(port: int) -> DemoSite:
    """The demo, built (waiting for the background build if one runs) and served."""
    start_building(port)
    assert _building is not None
    site, thread = _building
    thread.join()
    if site.failure:
        raise RuntimeError(f"the demo could not be built: {site.failure}")
    site.serve()
    return site
