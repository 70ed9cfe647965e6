"""Every data table in our templates is named and has its headers tied to its cells (WCAG 1.3.1,
RGAA 5.4 and 5.7): a <caption> first inside each <table>, a scope on each <th>.

Read from the template files, so that a new table without them fails here before any page
shows it. The list pages' table (tenants/tables/templates/tables/table.html) extends
django-tables2's: its caption is checked on a rendered list (tests/tenants/tables).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("api", "demo", "saas", "shared_reference", "tenants")
TEMPLATES = sorted(p for folder in FOLDERS for p in (ROOT / folder).rglob("templates/**/*.html"))

TABLE = re.compile(r"<table\b[^>]*>")
# What may come before the caption: blanks and template comments.
BEFORE_CAPTION = re.compile(r"(\s|\{#.*?#\})*", re.S)
TH = re.compile(r"<th\b[^>]*>")
# What wraps a table so that it alone scrolls sideways on a narrow screen (WCAG 1.4.10).
SCROLLER = re.compile(r'<div class="table-responsive">(\s|\{#.*?#\})*$', re.S)


def tables_without_caption(text: str) -> list[int]:
    """Line numbers of the <table> tags whose first child is not a <caption>."""
    missing = []
    for table in TABLE.finditer(text):
        skipped = BEFORE_CAPTION.match(text, table.end())
        after = skipped.end() if skipped else table.end()
        if not text.startswith("<caption", after):
            missing.append(text.count("\n", 0, table.start()) + 1)
    return missing


def headers_without_scope(text: str) -> list[int]:
    return [
        text.count("\n", 0, th.start()) + 1
        for th in TH.finditer(text)
        if not re.search(r'\sscope="(col|row|colgroup|rowgroup)"', th.group(0))
    ]


def tables_outside_a_scroller(text: str) -> list[int]:
    """Line numbers of the <table> tags not directly inside a .table-responsive wrapper."""
    return [
        text.count("\n", 0, table.start()) + 1
        for table in TABLE.finditer(text)
        if not SCROLLER.search(text, 0, table.start())
    ]


def test_the_templates_are_found():
    assert any(p.name == "journal.html" for p in TEMPLATES)
    assert any(TABLE.search(p.read_text(encoding="utf-8")) for p in TEMPLATES)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_table_starts_with_a_caption(path):
    missing = tables_without_caption(path.read_text(encoding="utf-8"))
    # <caption class="visually-hidden"> when a heading above already names the table.
    assert not missing, f"{path.relative_to(ROOT)}: <table> without <caption> at lines {missing}"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_header_cell_has_a_scope(path):
    missing = headers_without_scope(path.read_text(encoding="utf-8"))
    assert not missing, f'{path.relative_to(ROOT)}: <th> without scope="col|row" at lines {missing}'


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_table_scrolls_in_its_own_wrapper(path):
    # At 320 px (WCAG 1.4.10, reflow) only the table scrolls sideways, not the whole page.
    missing = tables_outside_a_scroller(path.read_text(encoding="utf-8"))
    assert not missing, f"{path.relative_to(ROOT)}: <table> outside .table-responsive at {missing}"


def test_the_checks_catch_a_table_without_caption_or_scope():
    assert tables_without_caption("<table>\n  <thead><tr><th>A</th></tr></thead></table>") == [1]
    assert tables_without_caption('<table class="t">\n  {# x #}\n  <caption>A</caption>') == []
    assert headers_without_scope('<tr><th scope="row">A</th><th class="x">B</th>') == [1]


def test_the_check_catches_a_table_outside_its_wrapper():
    assert tables_outside_a_scroller('<div>\n<table class="t">') == [2]
    assert tables_outside_a_scroller('<div class="table-responsive">\n  <table>') == []
