"""What every benchmark needs: a throw-away database next to the configured one."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable

from saas.runner import database_name, run_on_server


def bench_database_url() -> str:
    url = os.environ["DATABASE_URL"]
    base, _, query = url.partition("?")
    head, _, name = base.rpartition("/")
    return f"{head}/{name}_bench" + (f"?{query}" if query else "")


def recreate_database(url: str) -> None:
    name = database_name(url)
    run_on_server(
        url,
        (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', []),
        (f'CREATE DATABASE "{name}"', []),
    )


def drop_database(url: str) -> None:
    run_on_server(url, (f'DROP DATABASE IF EXISTS "{database_name(url)}" WITH (FORCE)', []))


def in_throwaway_database(
    run: Callable[[argparse.Namespace], None], args: argparse.Namespace, **environment: str
) -> int:
    """Set Django up on ``<name>_bench`` (created afresh), run, and drop the database."""
    url = bench_database_url()
    recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.update(environment)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas.settings")
    import django

    django.setup()
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(url)
    return 0
