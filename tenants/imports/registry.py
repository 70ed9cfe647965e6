"""The importers every import job, page and command finds by the kind of file they read.

Each app registers its own in ``AppConfig.ready``: the job runner then needs no list of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Importer:
    kind: str  # "inventory", "structure": ImportJob.kind and ImportMapping.kind
    # (data, filename, *, mapping, dry_run, progress) -> a report with ``as_dict()``;
    # raises tenants.imports.reader.ImportRefused, having changed nothing.
    run: Callable[..., Any]
    default_mapping: dict[str, str]


_IMPORTERS: dict[str, Importer] = {}


def register(kind: str, run: Callable[..., Any], default_mapping: dict[str, str]) -> Importer:
    importer = Importer(kind, run, default_mapping)
    _IMPORTERS[kind] = importer
    return importer


def importer_for(kind: str) -> Importer:
    try:
        return _IMPORTERS[kind]
    except KeyError:
        raise LookupError(f"no importer for imports of kind {kind!r}") from None
