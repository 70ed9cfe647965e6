"""A generated tenant app of N tables and K later migrations, so that provisioning is measured
on a schema the size of the finished product (about 50 tables) and as migrations accumulate.

The app is written under var/bench_app/ and installed only when BENCH_SYNTHETIC_APP names
that folder (see saas/settings.py); the product never sees it otherwise.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

APP = "synthetic_domain"

MODEL = """

class Table{i}(models.Model):
    code = models.CharField(max_length=32, unique=True)
    label = models.CharField(max_length=200, db_index=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    quantity = models.PositiveIntegerField(default=1)
    starts = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    parent = models.ForeignKey({parent}, null=True, blank=True, on_delete=models.SET_NULL)
{extra}
    class Meta:
        indexes = [models.Index(fields=["starts", "quantity"])]
"""

ADD_FIELD = """from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("{app}", "{previous}")]
    operations = [
        migrations.AddField(
            model_name="table{table}",
            name="extra{n}",
            field=models.CharField(blank=True, default="", max_length=50),
        ),
    ]
"""


def build(root: Path, tables: int, extra_migrations: int) -> Path:
    """Write the app package under ``root`` and return the folder to put on sys.path."""
    shutil.rmtree(root, ignore_errors=True)
    package = root / APP
    (package / "migrations").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "migrations" / "__init__.py").write_text("")
    extras: dict[int, list[int]] = {}
    for n in range(extra_migrations):
        extras.setdefault(n % tables, []).append(n)

    def models_source(with_extras: bool) -> str:
        source = "from django.db import models\n"
        for i in range(tables):
            extra = ""
            if with_extras:
                extra = "".join(
                    f'    extra{n} = models.CharField(max_length=50, blank=True, default="")\n'
                    for n in extras.get(i, [])
                )
            parent = f'"Table{i - 1}"' if i else '"self"'
            source += MODEL.format(i=i, parent=parent, extra=extra)
        return source

    (package / "models.py").write_text(models_source(with_extras=False))
    env = {**os.environ, "BENCH_SYNTHETIC_APP": str(root)}
    subprocess.run(
        [sys.executable, "manage.py", "makemigrations", APP, "-v", "0"],
        check=True,
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
    )
    previous = "0001_initial"
    for n in range(extra_migrations):
        name = f"{n + 2:04d}_extra{n}"
        (package / "migrations" / f"{name}.py").write_text(
            ADD_FIELD.format(app=APP, previous=previous, table=n % tables, n=n)
        )
        previous = name
    (package / "models.py").write_text(models_source(with_extras=True))
    return root
