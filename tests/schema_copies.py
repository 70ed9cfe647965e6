"""Copies of a migrated tenant schema for the tests, made by pg_dump instead of migrations.

Migrating a tenant schema from scratch costs about a minute of CPU (Django rebuilds the state of
every model and audit table operation by operation, over more than a hundred migrations), and
the suite needs several: the session's two tenants, its spare, the worker's sign-up. Each is
instead a copy of one schema migrated at the start of the session: ``pg_dump`` writes its
structure and rows (content types, expertise domains, the recorded migrations, the sequences'
positions), the schema's name is replaced, ``psql`` replays it. About two seconds.

Unlike django-tenants' ``clone_schema`` (which renames constraints, see docs/benchmarks.md),
pg_dump keeps every name, comment and trigger: a test of tests/saas/tenancy/test_provisioning.py
compares a copy's dump with the migrated schema's.
The provisioning paths themselves (migrate from scratch, claim a spare) are still what the
tenants go through: a copy only stands where a spare would have been migrated.

The client tools must match the server's major version: those pgserver ships for the embedded
server, else the system's (``/usr/lib/postgresql/<major>/bin`` on Debian, then ``PATH``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import uuid
from functools import lru_cache
from pathlib import Path

from django.db import connection

from saas.tenancy import provisioning
from saas.tenancy.models import Tenant, TenantKind, TenantStatus

# The session's schema migrated from scratch (tests/conftest.py), committed under a name that
# is no spare's and no tenant's: the source of every copy.
PARKED_SPARE = f"parked_{uuid.uuid4().hex[:20]}"


@lru_cache(maxsize=1)
def _client_dirs() -> list[Path]:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        major = int(cursor.fetchone()[0]) // 10000
    candidates = []
    try:
        import pgserver

        candidates.append(Path(pgserver.__file__).parent / "pginstall" / "bin")
    except ImportError:  # pragma: no cover - pgserver is a dependency of the runner
        pass
    candidates.append(Path(f"/usr/lib/postgresql/{major}/bin"))
    on_path = shutil.which("pg_dump")
    if on_path:
        candidates.append(Path(on_path).parent)
    found = []
    for directory in candidates:
        tool = directory / "pg_dump"
        if not tool.exists() or not (directory / "psql").exists():
            continue
        version = subprocess.run([tool, "--version"], capture_output=True, text=True).stdout
        if re.search(rf"\b{major}\.\d+", version):
            found.append(directory)
    if not found:
        raise RuntimeError(f"no pg_dump for PostgreSQL {major} (pgserver's, Debian's or on PATH)")
    return found


def _connection_env() -> dict[str, str]:
    """libpq's variables for the connection Django opens (host may be a socket folder, as the
    embedded server's)."""
    params = connection.get_connection_params()
    variables = {
        "PGDATABASE": params.get("database") or params.get("dbname"),
        "PGUSER": params.get("user"),
        "PGHOST": params.get("host"),
        "PGPORT": params.get("port"),
        "PGPASSWORD": params.get("password"),
    }
    return {**os.environ, **{k: str(v) for k, v in variables.items() if v}}


def _run(tool: str, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [str(_client_dirs()[0] / tool), "--no-password", *args],
        env={**_connection_env(), "PGCLIENTENCODING": "UTF8"},
        input=stdin,
        capture_output=True,
        encoding="utf-8",
        timeout=300,  # a lock the test process holds on the schema would wait forever
    )
    if done.returncode:
        raise RuntimeError(f"{tool} {' '.join(args)} failed: {done.stderr[-3000:]}")
    return done.stdout


def dump_schema(name: str) -> str:
    """The schema as pg_dump writes it: structure, rows, sequences' positions, comments."""
    return _run(
        "pg_dump", "--schema", name, "--no-owner", "--no-privileges", "--lock-wait-timeout=60s"
    )


def copy_schema(source: str, target: str) -> None:
    """Create ``target`` as a committed copy of the committed schema ``source``.

    ``source`` must be a name that appears nowhere in the dump but as the schema's (a random
    suffix, as the parked spare's): it is replaced as a word throughout."""
    assert re.fullmatch(r"[a-z][a-z0-9_]{15,62}", source), source
    assert re.fullmatch(r"[a-z][a-z0-9_]{0,62}", target), target
    # Recent pg_dump guards its output with \restrict meta-commands, which psql understands.
    copied = re.sub(rf"\b{re.escape(source)}\b", lambda _: target, dump_schema(source))
    _run(
        "psql",
        "--quiet",
        "--no-psqlrc",
        "--set",
        "ON_ERROR_STOP=1",
        "--single-transaction",
        stdin=copied,
    )


def spare_copy(source: str) -> Tenant:
    """A spare of the pool, as ``create_spare_schema`` leaves one, copied from ``source``."""
    spare = Tenant.objects.create(
        schema_name=provisioning.SPARE_PREFIX + uuid.uuid4().hex[:20],
        name="spare",
        kind=TenantKind.PLATFORM,
        status=TenantStatus.SPARE,
    )
    copy_schema(source, spare.schema_name)
    return spare
