"""Imports declared as a table: the columns of a file, how each cell is read, and the natural
key rows are upserted by.

The finance system's and the CMMS's exports (order lines, fixed assets, invoices, work orders)
are flat tables of one model each: rather than a hand-written importer per file, each declares
a ``TabularImport`` and shares the same checks, report and upsert. Like every import it is all
or nothing: every row is read and checked first, every problem is reported with its line and
its column as the file spells it, and only a clean file is written (in one transaction, by
``INSERT … ON CONFLICT`` on the natural key). Rows of the table the file does not list are
counted, never deleted: a finance export may hold one year, a CMMS export one site.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from django.db import connection, models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from tenants.imports.reader import (
    ImportRefused,
    Problem,
    Row,
    coverage,
    normalise_header,
    parse_date,
    parse_decimal,
    read_mapped_rows,
    required_but_empty,
)

# 12, or 12.0 / 12,00 as spreadsheets write whole numbers ("1.000" is a thousand: refused).
WHOLE = re.compile(r"(-?[0-9]{1,12})(?:[.,]0{1,2})?")
Progress = Callable[[str, int, int], None]
CHANGES_SHOWN = 200
WRITE_BATCH = 20000
PROGRESS_EVERY = 5000
MEMO_SIZE = 50000  # texts remembered per column
# What COPY's text format escapes in a value (NULL is written \N).
COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})

# Sent in the import's transaction once a tabular import wrote its rows (never for a dry run),
# with ``kind`` and ``written`` (the natural keys created or updated): what follows the data
# (the plan lines finding their orders, the controls) is written with it, or not at all.
tabular_imported = Signal()


class Parser(Protocol):
    """Reads one cell's text: its value, or ValueError with a reason for a person."""

    def bind(self) -> Callable[[str], Any]: ...


@dataclass(frozen=True)
class Text:
    max_length: int

    def bind(self) -> Callable[[str], Any]:
        limit = self.max_length

        def read(text: str) -> str:
            if len(text) > limit:
                raise ValueError(_("longer than %(limit)s characters") % {"limit": limit})
            return text

        return read


@dataclass(frozen=True)
class Integer:
    minimum: int = 0
    maximum: int = 2_000_000_000

    def bind(self) -> Callable[[str], Any]:
        low, high = self.minimum, self.maximum

        def read(text: str) -> int | None:
            if not text:
                return None
            cleaned = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
            # Spreadsheets write whole numbers as 12.0 or 12,0.
            whole = WHOLE.fullmatch(cleaned)
            if whole is None:
                raise ValueError(_("“%(text)s” is not a whole number") % {"text": text[:50]})
            cleaned = whole.group(1)
            value = int(cleaned)
            if not low <= value <= high:
                raise ValueError(
                    _("%(value)s is not between %(low)s and %(high)s")
                    % {"value": value, "low": low, "high": high}
                )
            return value

        return read


@dataclass(frozen=True)
class Amount:
    """Euros (or a quantity) with two decimals; negative only where credits exist."""

    minimum: Decimal = Decimal("-100000000")
    maximum: Decimal = Decimal("100000000")  # 100 M€: anything above is a typo

    def bind(self) -> Callable[[str], Any]:
        low, high, cent = self.minimum, self.maximum, Decimal("0.01")

        def read(text: str) -> Decimal | None:
            value = parse_decimal(text)
            if value is None:
                return None
            if not value.is_finite() or not low <= value < high:
                raise ValueError(
                    _("%(amount)s is not a plausible amount")
                    % {"amount": text[:50] if not value.is_finite() else number_format(value)}
                )
            return value.quantize(cent)

        return read


@dataclass(frozen=True)
class Day:
    earliest: date = date(1950, 1, 1)
    latest: date = date(2100, 1, 1)

    def bind(self) -> Callable[[str], Any]:
        earliest, latest = self.earliest, self.latest

        def read(text: str) -> date | None:
            value = parse_date(text[:50])
            if value is not None and not earliest <= value <= latest:
                raise ValueError(
                    _("%(date)s is not a plausible date") % {"date": f"{value:%d/%m/%Y}"}
                )
            return value

        return read


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


YES = frozenset({"o", "oui", "y", "yes", "1", "x", "vrai", "true", "soldee", "solde", "closed"})
NO = frozenset({"", "n", "non", "no", "0", "faux", "false", "non soldee", "open"})


@dataclass(frozen=True)
class YesNo:
    def bind(self) -> Callable[[str], Any]:
        def read(text: str) -> bool:
            plain = _plain(text)
            if plain in YES:
                return True
            if plain in NO:
                return False
            raise ValueError(_("“%(text)s” is neither O (yes) nor N (no)") % {"text": text[:50]})

        return read


@dataclass(frozen=True)
class Choice:
    """One of a model's choices, written as the export spells it (``words``: plain spelling ->
    value, accents and case ignored) or as the value itself."""

    words: Mapping[str, str]
    default: str

    def bind(self) -> Callable[[str], Any]:
        words = {_plain(k): v for k, v in self.words.items()}
        values = set(self.words.values())

        def read(text: str) -> str:
            plain = _plain(text)
            if not plain:
                return self.default
            if plain in words:
                return words[plain]
            if plain in values:
                return plain
            raise ValueError(
                _("unknown value “%(text)s”: write one of %(words)s")
                % {"text": text[:50], "words": ", ".join(sorted(self.words)[:8])}
            )

        return read


@dataclass(frozen=True)
class Lookup:
    """A row of another table named by one of its fields (a UF by its code): its primary key."""

    model: type[models.Model]
    by: str
    what: Callable[[], str]  # "no UF has the code %(code)s" for a person

    def bind(self) -> Callable[[str], Any]:
        known = dict(self.model._default_manager.values_list(self.by, "pk"))
        what = self.what

        def read(text: str) -> int | None:
            if not text:
                return None
            try:
                return known[text]
            except KeyError:
                raise ValueError(what() % {"code": text[:50]}) from None

        return read


@dataclass(frozen=True)
class Column:
    field: str  # the model's attribute (``uf_id`` for a foreign key)
    header: str  # the export's usual header (the tenant's kept mapping may override it)
    label: str | Promise  # "Column of the order number", for the form
    parser: Parser
    required: bool = False


@dataclass(frozen=True)
class TabularImport:
    kind: str
    model: type[models.Model]
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # fields of ``columns`` that name a row (unique together)
    # "order 2027-0042, line 3" for a person, from the key's values.
    describe: Callable[[tuple[Any, ...]], str]
    # Row checks beyond one cell (received more than ordered...): (values, problem) -> None.
    row_checks: tuple[Callable[[dict[str, Any]], tuple[str, str] | None], ...] = ()

    @property
    def default_mapping(self) -> dict[str, str]:
        return {c.field: c.header for c in self.columns}

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.columns if c.required or c.field in self.key)

    def run(
        self,
        data: bytes,
        filename: str,
        *,
        mapping: dict[str, str] | None = None,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> TabularReport:
        return run_tabular(self, data, filename, mapping or {}, dry_run, progress)


@dataclass
class TabularReport:
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    absent: int = 0  # rows of the table the file does not list (left as they are)
    changes: list[dict[str, Any]] = field(default_factory=list)  # the first CHANGES_SHOWN
    empty_fields: list[str] = field(default_factory=list)
    unmapped_columns: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        return (
            f"{'dry run: ' if self.dry_run else ''}{self.rows} rows; {self.created} created, "
            f"{self.updated} updated, {self.unchanged} unchanged, {self.absent} not in the file"
        )


def run_tabular(
    spec: TabularImport,
    data: bytes,
    filename: str,
    mapping: dict[str, str],
    dry_run: bool,
    progress: Progress | None,
) -> TabularReport:
    report_progress = progress or (lambda phase, done, total: None)
    headers = {**spec.default_mapping, **{k: v for k, v in mapping.items() if v}}
    table, rows = read_mapped_rows(data, filename, headers, spec.required)
    clean, problems = _check(spec, rows, headers, report_progress)
    if problems:
        raise ImportRefused(problems)
    covered = coverage(
        table, headers, [c.field for c in spec.columns if c.field not in spec.required]
    )
    report = TabularReport(
        dry_run=dry_run,
        rows=len(clean),
        empty_fields=covered.empty_fields,
        unmapped_columns=covered.unmapped_columns,
    )
    # A column the file lacks is read as empty on every row: a new row takes it so, but a
    # known row keeps what it has (a nightly export that loses its "Soldée" column must not
    # reopen every order).
    absent = {
        c.field for c in spec.columns if normalise_header(headers[c.field]) not in table.header
    }
    _apply(spec, clean, report, report_progress, absent)
    return report


def _check(
    spec: TabularImport, rows: Sequence[Row], headers: dict[str, str], progress: Progress
) -> tuple[list[dict[str, Any]], list[Problem]]:
    readers = [
        (c.field, normalise_header(headers[c.field]), headers[c.field], _memo(c.parser), c.required)
        for c in spec.columns
    ]
    required = set(spec.required)
    key_columns = ", ".join(headers[f] for f in spec.key)
    problems: list[Problem] = []
    clean: list[dict[str, Any]] = []
    seen: dict[tuple[Any, ...], int] = {}
    total = len(rows)
    for index, row in enumerate(rows, start=1):
        if index % PROGRESS_EVERY == 0:
            progress("check", index, total)
        cells = row.values
        values: dict[str, Any] = {}
        row_problems: list[Problem] = []
        for name, header, label, read, _required in readers:
            text = cells.get(header, "")
            if not text and name in required:
                row_problems.append(Problem(row.line, label, required_but_empty()))
                continue
            try:
                values[name] = read(text)
            except ValueError as exc:
                row_problems.append(Problem(row.line, label, str(exc)))
        if all(values.get(f) is not None for f in spec.key):
            key = tuple(values[f] for f in spec.key)
            if key in seen:
                row_problems.append(
                    Problem(
                        row.line,
                        key_columns,
                        _("%(row)s is already on line %(line)s")
                        % {"row": spec.describe(key), "line": seen[key]},
                    )
                )
            else:
                seen[key] = row.line
        # Checks across cells see the values read cleanly (None for the others).
        for check in spec.row_checks:
            found = check(values)
            if found:
                row_problems.append(Problem(row.line, headers[found[0]], found[1]))
        if row_problems:
            problems += row_problems
            continue
        clean.append(values)
    progress("check", total, total)
    return clean, problems


def _memo(parser: Parser) -> Callable[[str], Any]:
    """The parser's reader, remembering what each text read as: an export repeats its years,
    dates, quantities, UF and flags on every line (hundreds of thousands of cells, a few
    thousand texts). Only values are remembered (all immutable); a text that fails is read
    again, and fails again, each time."""
    read = parser.bind()
    if isinstance(parser, Text):
        return read
    memory: dict[str, Any] = {}

    def remembered(text: str) -> Any:
        try:
            return memory[text]
        except KeyError:
            value = read(text)
            if len(memory) < MEMO_SIZE:
                memory[text] = value
            return value

    return remembered


def _apply(
    spec: TabularImport,
    rows: list[dict[str, Any]],
    report: TabularReport,
    progress: Progress,
    absent: set[str],
) -> None:
    written = [c.field for c in spec.columns if c.field not in spec.key and c.field not in absent]
    existing = {
        tuple(values[: len(spec.key)]): tuple(values[len(spec.key) :])
        for values in spec.model._default_manager.values_list(*spec.key, *written).iterator(
            chunk_size=5000
        )
    }
    to_write: list[dict[str, Any]] = []
    keys: list[tuple[Any, ...]] = []
    for row in rows:
        key = tuple(row[f] for f in spec.key)
        before = existing.pop(key, None)
        after = tuple(row[f] for f in written)
        if before is None:
            report.created += 1
            _note(report, spec, key, "created", [])
        elif before != after:
            report.updated += 1
            changed = [
                _label(spec.model, f)
                for f, b, a in zip(written, before, after, strict=True)
                if b != a
            ]
            _note(report, spec, key, "updated", changed)
        else:
            report.unchanged += 1
            continue
        to_write.append(row)
        keys.append(key)
    report.absent = len(existing)
    if report.dry_run:
        return
    with transaction.atomic():
        _upsert(spec, to_write, progress, absent)
        tabular_imported.send(sender=spec.model, kind=spec.kind, written=keys)


def _upsert(
    spec: TabularImport, rows: list[dict[str, Any]], progress: Progress, absent: set[str]
) -> None:
    """``INSERT … ON CONFLICT (key) DO UPDATE`` of the rows, through a temporary table filled
    by COPY: the values are already checked and typed, and building a model instance and its
    SQL parameters per row cost four times what the database does with them. The table's
    constraints still hold (unique key, foreign keys, checks). On conflict, the file's columns
    (not those it lacks) and the ``auto_now`` fields (``updated``) are written; other fields
    keep their values."""
    if not rows:
        return
    meta = spec.model._meta
    by_name = {f.attname: f for f in meta.concrete_fields}
    filed = [by_name[c.field] for c in spec.columns]
    now = timezone.now()
    # The model's other fields, on a new row: their default (``updated``: now).
    others = [
        (f, now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else None)
        for f in meta.concrete_fields
        if f.attname not in {c.field for c in spec.columns} and not f.primary_key
    ]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = [f.column for f in filed] + [f.column for f, _now in others]
    names = ", ".join(quote(c) for c in columns)
    rewritten = [f.column for f in filed if f.attname not in spec.key and f.attname not in absent]
    rewritten += [f.column for f, _now in others if getattr(f, "auto_now", False)]
    conflict = ", ".join(quote(by_name[name].column) for name in spec.key)
    assignments = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in rewritten)
    scratch = quote(f"tabular_{meta.db_table}")
    fields = [f.attname for f in filed]
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {scratch} AS SELECT {names} FROM {table} WITH NO DATA"
        )
        for start in range(0, len(rows), WRITE_BATCH):
            batch = rows[start : start + WRITE_BATCH]
            defaults = [
                _copy_text(value if value is not None else f.get_default()) for f, value in others
            ]
            lines = [
                "\t".join([*(_copy_text(row[name]) for name in fields), *defaults]) for row in batch
            ]
            cursor.copy_expert(
                f"COPY {scratch} ({names}) FROM STDIN", io.StringIO("\n".join(lines) + "\n")
            )
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT {names} FROM {scratch} "
                f"ON CONFLICT ({conflict}) DO UPDATE SET {assignments}"
            )
            cursor.execute(f"TRUNCATE {scratch}")
            progress("write", start + len(batch), len(rows))
        # Dropped now, not at the end of the transaction: an outer one may import again.
        cursor.execute(f"DROP TABLE {scratch}")


def _copy_text(value: Any) -> str:
    """A checked cell's value as COPY's text format writes it."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(COPY_ESCAPES)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, int | Decimal | date):
        return str(value)  # a Decimal is quantised (never in exponent form), a date is ISO
    # A field of another kind (JSON, array...) needs its own text: fail here, not in the data.
    raise TypeError(f"{type(value).__name__} cannot be written by a tabular import")


def _label(model: type[models.Model], name: str) -> str:
    return str(getattr(model._meta.get_field(name.removesuffix("_id")), "verbose_name", name))


def _note(
    report: TabularReport, spec: TabularImport, key: tuple[Any, ...], kind: str, fields: list[str]
) -> None:
    if len(report.changes) < CHANGES_SHOWN:
        report.changes.append({"key": spec.describe(key), "change": kind, "fields": fields})


def headers_of(spec: TabularImport) -> Iterable[tuple[str, str, str]]:
    """(usual header, what it holds, "key" | "required" | "") of each column: the page's table
    of expected columns."""
    required = set(spec.required)
    for column in spec.columns:
        role = "key" if column.field in spec.key else "required" if column.field in required else ""
        yield column.header, str(column.label), role
