"""No control of a template is named by its placeholder alone (issue 14, RGAA 11.1): a
placeholder disappears as soon as one types and many screen readers do not read it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = [
    path
    for folder in ("saas", "tenants", "shared_reference")
    for path in (ROOT / folder).rglob("templates/**/*.html")
]
CONTROL = re.compile(r"<(?:input|textarea)\b(?:[^<>]|\{[{%].*?[%}]\})*>", re.S)
ID = re.compile(r'\bid="([^"]+)"')


def placeholder_only(text: str) -> list[str]:
    """The controls of a template's text that have a placeholder and no label of their own."""
    found = []
    for match in CONTROL.finditer(text):
        tag = match.group(0)
        if "placeholder=" not in tag or "aria-label" in tag:  # aria-label or aria-labelledby
            continue
        named = ID.search(tag)
        if named and f'for="{named.group(1)}"' in text:
            continue
        found.append(" ".join(tag.split())[:120])
    return found


def test_the_check_finds_a_control_named_by_its_placeholder_only() -> None:
    assert placeholder_only('<input name="q" placeholder="{% translate \'Search\' %}">')
    assert placeholder_only('<label for="b">B</label><textarea id="a" placeholder="x">')
    assert not placeholder_only('<label for="a">A</label><textarea id="a" placeholder="x">')
    assert not placeholder_only('<input name="n" placeholder="x" aria-label="Name">')


def test_no_template_names_a_control_by_its_placeholder_only() -> None:
    assert len(TEMPLATES) > 50
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in TEMPLATES
        if (found := placeholder_only(path.read_text()))
    }
    assert offenders == {}
