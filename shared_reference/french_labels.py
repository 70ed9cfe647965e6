"""French labels for any term, from a CSV file (``code;label_fr``).

Two sources use it: the product's own translation of the top two EMDN levels, shipped in
``fixtures/emdn-labels-fr.csv`` and marked "to be confirmed"; and curators, whose imports count
as confirmed. The product's file never overwrites a label a curator confirmed. A file with any
fault (unknown code, empty label, a code twice) is refused whole, every faulty line named.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from saas.errors import UserError
from shared_reference.models import LabelStatus, NomenclatureSystem, NomenclatureTerm, Release

PRODUCT_LABELS = Path(__file__).resolve().parent / "fixtures" / "emdn-labels-fr.csv"
MAX_LABEL = NomenclatureTerm._meta.get_field("label_fr").max_length or 500


@dataclass(frozen=True)
class LabelProblem:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return _("line %(line)s, %(column)s: %(reason)s") % {
            "line": self.line,
            "column": self.column,
            "reason": self.reason,
        }


class LabelsRefused(UserError):
    """Nothing was changed; ``problems`` names each faulty line."""

    def __init__(self, problems: list[LabelProblem]) -> None:
        shown = "; ".join(str(p) for p in problems[:10])
        more = f" (+{len(problems) - 10})" if len(problems) > 10 else ""
        super().__init__("file", f"{shown}{more}")
        self.problems = problems

    def errors(self) -> list[tuple[str, str]]:
        return [("file", str(p)) for p in self.problems]


# The file's two columns, as the person who made it knows them (not our field names).
def code_column() -> str:
    return _("code (1st column)")


def label_column() -> str:
    return _("French label (2nd column)")


@dataclass
class LabelReport:
    changed: int = 0
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)  # curators' labels the product file left alone


def read_labels(raw: bytes) -> list[tuple[int, str, str]]:
    """(line, code, label) of a ``code;label_fr`` file; a first line ``code;...`` is a header."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # Excel's "CSV" on French Windows
    if "\x00" in text:
        raise LabelsRefused(
            [LabelProblem(1, _("the whole file"), _("holds a NUL byte: not a CSV file"))]
        )
    delimiter = ";" if ";" in text.split("\n", 1)[0] or "," not in text else ","
    rows: list[tuple[int, str, str]] = []
    problems: list[LabelProblem] = []
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        if not row or not any(cell.strip() for cell in row):
            continue
        if number == 1 and row[0].strip().lower() == "code":
            continue
        if len(row) < 2:
            problems.append(LabelProblem(number, label_column(), _("no label")))
            continue
        code, label = row[0].strip(), " ".join(row[1].split())
        if not label:
            problems.append(
                LabelProblem(number, label_column(), _("empty label for %(code)s") % {"code": code})
            )
        elif len(label) > MAX_LABEL:
            problems.append(
                LabelProblem(
                    number,
                    label_column(),
                    _("longer than %(max)s characters (%(code)s)")
                    % {"max": MAX_LABEL, "code": code},
                )
            )
        else:
            rows.append((number, code, label))
    if problems:
        raise LabelsRefused(problems)
    return rows


@transaction.atomic
def import_french_labels(
    system: NomenclatureSystem, raw: bytes, *, status: str, by: str
) -> LabelReport:
    """Set the French labels the file gives; changed terms go out with the next release."""
    rows = read_labels(raw)
    problems: list[LabelProblem] = []
    seen: dict[str, int] = {}
    for line, code, _label in rows:
        if code in seen:
            problems.append(
                LabelProblem(
                    line,
                    code_column(),
                    _("%(code)s already on line %(line)s") % {"code": code, "line": seen[code]},
                )
            )
        seen.setdefault(code, line)
    terms = {
        t.code: t
        for t in NomenclatureTerm.objects.select_for_update().filter(system=system, code__in=seen)
    }
    problems += [
        LabelProblem(
            line,
            code_column(),
            _("no term %(code)s in %(system)s") % {"code": code, "system": system.code.upper()},
        )
        for line, code, _label in rows
        if code not in terms
    ]
    if problems:
        raise LabelsRefused(sorted(problems, key=lambda p: p.line))
    report = LabelReport()
    changed: list[NomenclatureTerm] = []
    for _line, code, label in rows:
        term = terms[code]
        if status == LabelStatus.PRODUCT and term.label_fr_status == LabelStatus.CONFIRMED:
            report.kept.append(code)
            continue
        confirmed_by = by if status == LabelStatus.CONFIRMED else ""
        if (term.label_fr, term.label_fr_status, term.label_fr_confirmed_by) == (
            label,
            status,
            confirmed_by,
        ):
            report.unchanged += 1
            continue
        term.label_fr, term.label_fr_status, term.label_fr_confirmed_by = (
            label,
            status,
            confirmed_by,
        )
        term.dirty = True
        changed.append(term)
    NomenclatureTerm.objects.bulk_update(
        changed, ["label_fr", "label_fr_status", "label_fr_confirmed_by", "dirty"], batch_size=1000
    )
    report.changed = len(changed)
    return report


def import_and_publish_french_labels(
    system: NomenclatureSystem, raw: bytes, *, filename: str, by: str
) -> tuple[LabelReport, Release | None]:
    """A curator's CSV of French labels, confirmed and published in one release, or nothing
    at all (LabelsRefused); no release when every label was already there."""
    from shared_reference.services import publish_release

    with transaction.atomic():
        report = import_french_labels(system, raw, status=LabelStatus.CONFIRMED, by=by)
        if not report.changed:
            return report, None
        notes = _("French labels imported from %(file)s") % {"file": filename}
        return report, publish_release(notes=notes, by=by)


def load_product_labels(system: NomenclatureSystem, *, by: str) -> LabelReport:
    """The product's translation of EMDN's categories and groups, to be confirmed by curators."""
    return import_french_labels(
        system, PRODUCT_LABELS.read_bytes(), status=LabelStatus.PRODUCT, by=by
    )
