"""The importers every import job, page and command finds by the kind of file they read.

Each app registers its own in ``AppConfig.ready``: the job runner then needs no list of them,
and the imports page (``/imports/``) lists every kind a person may import.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

if TYPE_CHECKING:
    from tenants.imports.tabular import TabularImport


@dataclass(frozen=True)
class Importer:
    kind: str  # "inventory", "structure": ImportJob.kind and ImportMapping.kind
    # (data, filename, *, mapping, dry_run, progress) -> a report with ``as_dict()``;
    # raises tenants.imports.reader.ImportRefused, having changed nothing.
    run: Callable[..., Any]
    default_mapping: dict[str, str]
    label: str | Promise = ""  # "Finance system: order lines", for the imports page
    # The permission (tenants.access.permissions.Action) importing this kind needs.
    action: str = "tenant.administer"
    # The URL name of its own upload page; empty for a tabular import, served by the
    # imports app's pages (``imports:upload`` with the kind).
    page: str = ""
    spec: TabularImport | None = None


_IMPORTERS: dict[str, Importer] = {}


def register(
    kind: str,
    run: Callable[..., Any],
    default_mapping: dict[str, str],
    *,
    label: str | Promise = "",
    action: str = "tenant.administer",
    page: str = "",
) -> Importer:
    importer = Importer(kind, run, default_mapping, label=label, action=action, page=page)
    _IMPORTERS[kind] = importer
    return importer


def register_tabular(spec: TabularImport, *, label: str | Promise, action: str) -> Importer:
    importer = Importer(
        spec.kind, spec.run, spec.default_mapping, label=label, action=action, spec=spec
    )
    _IMPORTERS[spec.kind] = importer
    return importer


def importer_for(kind: str) -> Importer:
    try:
        return _IMPORTERS[kind]
    except KeyError:
        raise LookupError(f"no importer for imports of kind {kind!r}") from None


def every_importer() -> list[Importer]:
    return list(_IMPORTERS.values())
