#!/usr/bin/env python3
"""One entry point for a fresh machine with only Python 3.11: set up, then start, test or check.

    python3 dev.py start    # the whole product (web, worker, beat) with demo tenants
    python3 dev.py test     # the whole test suite
    python3 dev.py check    # ruff and mypy
    python3 dev.py bench    # the benchmarks (figures in docs/benchmarks.md)
    python3 dev.py manage import_inventory t_ght_somme gmao.csv --dry-run
                            # any management command, on the same servers as start

Creates .venv/ and installs the project into it (again only when pyproject.toml changed),
then hands over to ``saas.runner`` inside that environment. Without DATABASE_URL / REDIS_URL
an embedded PostgreSQL and Redis are started under var/ and reused on the next start.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".installed-from"


def _requirements_digest() -> str:
    digest = hashlib.sha256()
    for name in ("pyproject.toml", "build-constraints.txt"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_environment() -> None:
    if sys.version_info[:2] != (3, 11):
        sys.exit(f"Python 3.11 is needed (this is {sys.version.split()[0]}).")
    if not PYTHON.exists():
        print("Creating the virtual environment in .venv/ ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = _requirements_digest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    print("Installing the project and its dependencies into .venv/ ...", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip>=25.3"], check=True)
    # xstatic-bootstrap only ships an sdist whose build needs pkg_resources (setuptools < 81).
    subprocess.run(
        [
            *pip,
            "--build-constraint",
            str(ROOT / "build-constraints.txt"),
            "-e",
            f"{ROOT}[embedded,dev]",
        ],
        check=True,
    )
    STAMP.write_text(wanted)


def main() -> None:
    ensure_environment()
    os.chdir(ROOT)
    os.execv(str(PYTHON), [str(PYTHON), "-m", "saas.runner", *sys.argv[1:]])  # noqa: S606


if __name__ == "__main__":
    main()
