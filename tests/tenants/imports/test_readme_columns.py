"""The README's tables of expected columns are the code's: a column added, renamed or made
required fails here until the README says so."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

from tenants.imports.registry import every_importer
from tenants.imports.tabular import headers_of

README = Path(__file__).resolve().parents[3] / "README.md"


def documented(kind: str) -> list[tuple[str, str, str]]:
    text = README.read_text()
    start = text.index(f"<!-- columns:{kind} -->")
    rows = []
    for line in text[start:].splitlines()[4:]:
        if not line.startswith("|"):
            break
        rows.append(tuple(cell.strip() for cell in line.strip("|").split("|")))
    return rows  # type: ignore[return-value]


TABULAR = [i.spec for i in every_importer() if i.spec is not None]


@pytest.mark.parametrize("spec", TABULAR, ids=[s.kind for s in TABULAR])
def test_the_readme_lists_each_tabular_imports_columns(spec) -> None:
    with translation.override("en"):
        expected = [
            (
                header,
                str(spec.model._meta.get_field(column.field.removesuffix("_id")).verbose_name),
                role or "optional",
            )
            for (header, _label, role), column in zip(headers_of(spec), spec.columns, strict=True)
        ]
    assert documented(spec.kind) == expected


def test_every_tabular_kind_is_in_the_readme() -> None:
    kinds = set(re.findall(r"<!-- columns:(\w+) -->", README.read_text()))
    assert kinds == {s.kind for s in TABULAR}
