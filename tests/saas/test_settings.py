"""Production settings load from deploy/env.example alone: a new optional setting must not
become a required one (``env()`` refuses defaults when PRODUCTION is on)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def example_environment() -> dict[str, str]:
    values = {}
    for line in (ROOT / "deploy/env.example").read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            name, _, value = line.partition("=")
            values[name] = value
    return values


def test_production_settings_load_from_the_environment_example():
    keep = {"PATH", "HOME", "LANG", "VIRTUAL_ENV"}
    environment = {k: v for k, v in os.environ.items() if k in keep}
    environment |= example_environment() | {"FIELD_ENCRYPTION_KEY": "x" * 43 + "="}
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.PRODUCTION, settings.DOCUMENT_MAX_BYTES, "
            "settings.NOTIFICATION_MAIL_DELAY)",
        ],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "saas.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert loaded.returncode == 0, loaded.stderr[-2000:]
    assert loaded.stdout.split() == ["True", "20971520", "60"]
