"""Importing the hospital's structure file: establishments, pôles, services and UF.

All or nothing: every row is checked first and every problem reported with its line and
column; only a clean file changes anything. A dry run reports what would change and keeps
nothing. UF that disappeared from the file are closed (their end of validity set), never
deleted, since requests and devices point at them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saas.tenancy.validators import finess_key_is_valid, normalise_finess
from tenants.imports.reader import (
    ImportRefused,
    Problem,
    Row,
    coverage,
    no_data_row,
    normalise_header,
    parse_date,
    read_mapped_rows,
    required_but_empty,
)
from tenants.structure.models import Establishment, FunctionalUnit, Pole, Service

# Our field -> the column header the hospital's file uses (the kept mapping may override it).
DEFAULT_MAPPING = {
    "establishment_finess": "FINESS",
    "establishment_name": "Établissement",
    "pole_code": "Code pôle",
    "pole_name": "Pôle",
    "service_code": "Code service",
    "service_name": "Service",
    "uf_code": "Code UF",
    "uf_name": "UF",
    "valid_from": "Début",
    "valid_until": "Fin",
}
REQUIRED = (
    "establishment_finess",
    "pole_code",
    "pole_name",
    "service_code",
    "service_name",
    "uf_code",
    "uf_name",
)


@dataclass
class StructureReport:
    dry_run: bool
    rows: int = 0
    created: dict[str, int] = field(default_factory=lambda: {"pole": 0, "service": 0, "uf": 0})
    updated: dict[str, int] = field(default_factory=lambda: {"pole": 0, "service": 0, "uf": 0})
    closed_ufs: list[str] = field(default_factory=list)
    reopened_ufs: list[str] = field(default_factory=list)
    empty_fields: list[str] = field(default_factory=list)  # expected, not in the file
    unmapped_columns: list[str] = field(default_factory=list)  # in the file, read by no field

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        c, u = self.created, self.updated
        return (
            f"{'dry run: ' if self.dry_run else ''}{self.rows} rows; created {c['pole']} pôles, "
            f"{c['service']} services, {c['uf']} UF; updated {u['pole']} pôles, {u['service']} "
            f"services, {u['uf']} UF; closed {len(self.closed_ufs)} UF; "
            f"reopened {len(self.reopened_ufs)} UF"
            + (
                "; not in the file, left empty: " + ", ".join(self.empty_fields)
                if self.empty_fields
                else ""
            )
            + (
                "; columns ignored: " + ", ".join(self.unmapped_columns)
                if self.unmapped_columns
                else ""
            )
        )


@dataclass(frozen=True)
class CleanRow:
    line: int
    finess: str
    pole_code: str
    pole_name: str
    service_code: str
    service_name: str
    uf_code: str
    uf_name: str
    valid_from: date | None
    valid_until: date | None


def import_structure(
    data: bytes,
    filename: str,
    *,
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> StructureReport:
    """Check the whole file, then apply it in one transaction (rolled back for a dry run).

    ``progress`` (phase, done, total) is told when each phase ends: a structure file holds a
    few thousand rows at most, checked and written in seconds."""
    columns = {**DEFAULT_MAPPING, **(mapping or {})}
    table, rows = read_mapped_rows(data, filename, columns, REQUIRED)
    clean, problems = _check_rows(iter(rows), columns)
    if problems:
        raise ImportRefused(problems)
    if not clean:
        raise ImportRefused([Problem(None, None, no_data_row())])
    # The establishment's name is not read (its FINESS says which it is): never "left empty".
    covered = coverage(table, columns, ["valid_from", "valid_until"])
    report = StructureReport(
        dry_run=dry_run,
        rows=len(clean),
        empty_fields=covered.empty_fields,
        unmapped_columns=covered.unmapped_columns,
    )
    if progress is not None:
        progress("check", len(clean), len(clean))
    try:
        with transaction.atomic():
            _apply(clean, report)
            if dry_run:
                raise _DryRunDone
    except _DryRunDone:
        pass
    if progress is not None:
        progress("write", len(clean), len(clean))
    return report


class _DryRunDone(Exception):
    pass


def _check_rows(rows: object, columns: dict[str, str]) -> tuple[list[CleanRow], list[Problem]]:
    known = {e.finess: e for e in Establishment.objects.all()}
    problems: list[Problem] = []
    clean: list[CleanRow] = []
    seen_uf: dict[str, int] = {}
    for row in rows:  # type: ignore[attr-defined]
        assert isinstance(row, Row)

        def value(name: str, row: Row = row) -> str:
            return row.values.get(normalise_header(columns[name]), "")

        row_problems = [
            Problem(row.line, columns[f], required_but_empty()) for f in REQUIRED if not value(f)
        ]
        finess = normalise_finess(value("establishment_finess"))
        if finess and (len(finess) != 9 or not finess_key_is_valid(finess)):
            row_problems.append(
                Problem(
                    row.line,
                    columns["establishment_finess"],
                    _("%(finess)s is not a valid FINESS number") % {"finess": finess},
                )
            )
        elif finess and finess not in known:
            row_problems.append(
                Problem(
                    row.line,
                    columns["establishment_finess"],
                    _("no establishment has the FINESS %(finess)s") % {"finess": finess},
                )
            )
        dates: dict[str, date | None] = {}
        for name in ("valid_from", "valid_until"):
            try:
                dates[name] = parse_date(value(name))
            except ValueError as exc:
                row_problems.append(Problem(row.line, columns[name], str(exc)))
        uf_code = value("uf_code")
        if uf_code in seen_uf:
            row_problems.append(
                Problem(
                    row.line,
                    columns["uf_code"],
                    _("UF %(code)s already on line %(line)s")
                    % {"code": uf_code, "line": seen_uf[uf_code]},
                )
            )
        elif uf_code:
            seen_uf[uf_code] = row.line
        start, end = dates.get("valid_from"), dates.get("valid_until")
        if start is not None and end is not None and end < start:
            row_problems.append(
                Problem(row.line, columns["valid_until"], _("ends before it starts"))
            )
        if row_problems:
            problems += row_problems
            continue
        clean.append(
            CleanRow(
                row.line,
                finess,
                value("pole_code"),
                value("pole_name"),
                value("service_code"),
                value("service_name"),
                uf_code,
                value("uf_name"),
                dates.get("valid_from"),
                dates.get("valid_until"),
            )
        )
    return clean, problems


def _apply(rows: list[CleanRow], report: StructureReport) -> None:
    establishments = {e.finess: e for e in Establishment.objects.all()}
    poles = {(p.establishment_id, p.code): p for p in Pole.objects.all()}
    services = {(s.pole_id, s.code): s for s in Service.objects.all()}
    units = {u.code: u for u in FunctionalUnit.objects.all()}
    for row in rows:
        establishment = establishments[row.finess]
        pole = poles.get((establishment.pk, row.pole_code))
        if pole is None:
            pole = Pole.objects.create(
                establishment=establishment, code=row.pole_code, name=row.pole_name
            )
            poles[(establishment.pk, row.pole_code)] = pole
            report.created["pole"] += 1
        elif pole.name != row.pole_name:
            pole.name = row.pole_name
            pole.save(update_fields=["name"])
            report.updated["pole"] += 1
        service = services.get((pole.pk, row.service_code))
        if service is None:
            service = Service.objects.create(
                pole=pole, code=row.service_code, name=row.service_name
            )
            services[(pole.pk, row.service_code)] = service
            report.created["service"] += 1
        elif service.name != row.service_name:
            service.name = row.service_name
            service.save(update_fields=["name"])
            report.updated["service"] += 1
        unit = units.pop(row.uf_code, None)
        if unit is None:
            FunctionalUnit.objects.create(
                service=service,
                code=row.uf_code,
                name=row.uf_name,
                valid_from=row.valid_from,
                valid_until=row.valid_until,
            )
            report.created["uf"] += 1
            continue
        was_closed = unit.valid_until is not None and unit.valid_until <= timezone.localdate()
        changed = (unit.service_id, unit.name, unit.valid_from, unit.valid_until) != (
            service.pk,
            row.uf_name,
            row.valid_from,
            row.valid_until,
        )
        if changed:
            unit.service, unit.name = service, row.uf_name
            unit.valid_from, unit.valid_until = row.valid_from, row.valid_until
            unit.save(update_fields=["service", "name", "valid_from", "valid_until"])
            report.updated["uf"] += 1
            if was_closed and not row.valid_until:
                report.reopened_ufs.append(unit.code)
    today = timezone.localdate()
    for code, unit in sorted(units.items()):  # UF no longer in the file: closed, not deleted
        if unit.valid_until is None or unit.valid_until > today:
            unit.valid_until = today
            unit.save(update_fields=["valid_until"])
            report.closed_ufs.append(code)
