"""French typography in the translations: a non-breaking space before : ; ? ! and inside « »."""

from __future__ import annotations

import re
from pathlib import Path

PO = Path(__file__).resolve().parents[2] / "saas" / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def french_texts() -> list[str]:
    """Every msgstr, its continuation lines joined."""
    texts: list[str] = []
    current: list[str] | None = None
    for line in PO.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgstr"):
            current = [line.partition('"')[2].rstrip('"')]
            texts.append("")
        elif current is not None and line.startswith('"'):
            current.append(line[1:].rstrip('"'))
        else:
            current = None
        if current is not None:
            texts[-1] = "".join(current)
    return texts


def test_a_non_breaking_space_comes_before_high_punctuation():
    # A plain space there lets the line break before the colon ("Refusé" / ": ...").
    wrong = [t for t in french_texts() if re.search(r" [:;?!]|« | »", t)]
    assert wrong == []


def test_counts_agree_with_their_number_rather_than_writing_s_in_brackets():
    # "3 décision(s)": a count is written with ngettext, which picks singular or plural.
    wrong = [t for t in french_texts() if re.search(r"\w\((s|e|es|x)\)", t)]
    assert wrong == []


def test_a_colon_after_a_label_follows_the_language():
    from django.template import engines
    from django.utils import translation

    label = engines["django"].from_string("{% load typography %}Étapes{% colon %}")
    with translation.override("fr"):
        assert label.render() == "Étapes\u00a0:"
    with translation.override("en"):
        assert label.render() == "Étapes:"


def test_templates_put_no_bare_colon_after_a_translated_label():
    root = PO.parents[3]
    bare = [
        str(path.relative_to(root))
        for folder in ("saas", "tenants", "shared_reference")
        for path in (root / folder).rglob("*.html")
        if "%}:" in path.read_text(encoding="utf-8")
    ]
    assert bare == []  # write {% colon %} (tenants/core/templatetags/typography.py)


def test_dates_read_dd_mm_yyyy_and_numbers_group_thousands_in_french():
    import datetime
    from decimal import Decimal

    from django.template import engines
    from django.utils import translation

    page = engines["django"].from_string("{{ d }} {{ n|floatformat:'2g' }}")
    with translation.override("fr"):
        text = page.render({"d": datetime.date(2027, 3, 31), "n": Decimal("1234567.50")})
    assert text == "31/03/2027 1\u202f234\u202f567,50"


def test_the_apostrophe_is_the_typographic_one():
    # A straight apostrophe beside the typographic one (U+2019) reads as two hands.
    wrong = [t for t in french_texts() if re.search(r"\w'\w", t)]
    assert wrong == []
