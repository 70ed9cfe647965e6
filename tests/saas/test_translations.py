"""Every text marked for translation in our code and templates has its French translation.

Without gettext's tools (CI may lack xgettext): Python files are read with ``ast`` for the
calls makemessages looks for, templates go through Django's own ``templatize`` (what
makemessages feeds xgettext, so ``blocktranslate`` is normalised exactly as Django does:
``%(name)s`` placeholders, ``trimmed``, ``%%``), and each text, with its context, is looked up
in the compiled catalog (the .mo Django reads), where a fuzzy or empty translation is absent.
A text French and English spell alike ("structure") counts once its translation is there.
"""

from __future__ import annotations

import ast
import gettext
import io
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parents[2]
MO = ROOT / "saas" / "locale" / "fr" / "LC_MESSAGES" / "django.mo"
# What makemessages reads: our packages (tests/ holds no text for people).
FOLDERS = ("api", "demo", "saas", "shared_reference", "tenants")
TEMPLATE_SUFFIXES = (".html", ".txt")

# Function name -> the positions of (context, singular, plural) among its arguments, as
# Django's makemessages declares them to xgettext (plus xgettext's own Python keywords).
KEYWORDS: dict[str, tuple[int | None, int, int | None]] = {
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}


@dataclass(frozen=True)
class Marked:
    where: str
    context: str | None
    msgid: str
    plural: str | None = None


def _where(path: Path, line: int) -> str:
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    return f"{shown}:{line}"


def _marked(where: str, name: str, args: list[str | None]) -> Marked | None:
    context_at, singular_at, plural_at = KEYWORDS[name]
    needed = max(i for i in (context_at, singular_at, plural_at) if i is not None)
    if len(args) <= needed:
        return None
    picked = [args[i] if i is not None else None for i in (context_at, singular_at, plural_at)]
    context, msgid, plural = picked
    if msgid is None or (context_at is not None and context is None):
        return None  # not a literal: makemessages cannot extract it either
    if plural_at is not None and plural is None:
        return None
    return Marked(where, context, msgid, plural)


def in_python(path: Path) -> Iterator[Marked]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in KEYWORDS:
            continue
        args = [
            a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None
            for a in node.args
        ]
        found = _marked(_where(path, node.lineno), name, args)
        if found is not None:
            yield found


def in_template(path: Path) -> Iterator[Marked]:
    """What ``templatize`` turns a template into: ``gettext(u'...')`` calls among blanks."""
    source = templatize(path.read_text(encoding="utf-8"), str(path))
    # Blanks keep the template's indentation, which is not Python's: drop it (each call
    # and its strings stand on one line, their newlines escaped).
    source = "\n".join(line.lstrip() for line in source.splitlines())
    tokens = [
        t
        for t in tokenize.generate_tokens(io.StringIO(source).readline)
        if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT)
    ]
    for index, token in enumerate(tokens):
        if token.type != tokenize.NAME or token.string not in KEYWORDS:
            continue
        if index + 1 >= len(tokens) or tokens[index + 1].string != "(":
            continue
        args: list[str | None] = []
        for following in tokens[index + 2 :]:
            if following.string == ")":
                break
            if following.string == ",":
                continue
            literal = following.type == tokenize.STRING
            args.append(ast.literal_eval(following.string) if literal else None)
        found = _marked(_where(path, token.start[0]), token.string, args)
        if found is not None:
            yield found


def marked_texts() -> list[Marked]:
    found: list[Marked] = []
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*")):
            if not path.is_file() or "migrations" in path.parts:
                continue
            if path.suffix == ".py":
                found += in_python(path)
            elif path.suffix in TEMPLATE_SUFFIXES and "templates" in path.parts:
                found += in_template(path)
    return found


def french_catalog() -> dict[object, str]:
    with MO.open("rb") as compiled:
        return gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]


def is_translated(catalog: dict[object, str], text: Marked) -> bool:
    key = f"{text.context}\x04{text.msgid}" if text.context is not None else text.msgid
    if text.plural is None:
        return bool(catalog.get(key))
    return bool(catalog.get((key, 0))) and bool(catalog.get((key, 1)))


def test_the_walk_finds_texts_of_every_kind():
    # Guards the test itself: a parser that finds nothing would find nothing missing.
    found = marked_texts()
    assert len(found) > 900
    kinds = {m.where.split(":")[0].rsplit(".", 1)[-1] for m in found}
    assert {"py", "html", "txt"} <= kinds
    assert any(m.plural for m in found) and any(m.context for m in found)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('{% translate "Line" %}', Marked("x", None, "Line")),
        ('{% translate "May" context "month" %}', Marked("x", "month", "May")),
        (
            "{% blocktranslate with n=job.count %}{{ n }} rows{% endblocktranslate %}",
            Marked("x", None, "%(n)s rows"),
        ),
        (
            "{% blocktranslate count counter=n %}{{ counter }} row{% plural %}"
            "{{ counter }} rows{% endblocktranslate %}",
            Marked("x", None, "%(counter)s row", "%(counter)s rows"),
        ),
        (
            "{% blocktranslate trimmed %}\n  Two\n  lines, 100%\n{% endblocktranslate %}",
            Marked("x", None, "Two lines, 100%%"),
        ),
    ],
)
def test_templates_are_read_as_makemessages_reads_them(tmp_path, source, expected):
    template = tmp_path / "templates" / "page.html"
    template.parent.mkdir()
    template.write_text("{% load i18n %}" + source, encoding="utf-8")
    [found] = in_template(template)
    assert (found.context, found.msgid, found.plural) == (
        expected.context,
        expected.msgid,
        expected.plural,
    )


def test_every_text_marked_for_translation_has_a_french_translation():
    catalog = french_catalog()
    missing = sorted(
        {
            f"{text.where}: {text.msgid!r}"
            + (f" in context {text.context!r}" if text.context else "")
            for text in marked_texts()
            if not is_translated(catalog, text)
        }
    )
    # Translate them in saas/locale/fr/LC_MESSAGES/django.po, then compile it:
    # msgfmt -o saas/locale/fr/LC_MESSAGES/django.mo saas/locale/fr/LC_MESSAGES/django.po
    assert missing == []
