"""Hostile form posts for the attack tests: the fields of a page's form, read from its HTML,
sent back with one field at a time replaced by something no person types.

Each field gets the hostile values of its kind, read from the page (a select, a checkbox, a
number, a date, free text, a hidden field) and from the value it holds (digits, a date): a
list's choice is not sent NaN or an impossible date, which only a number's or a date's parsing
could trip on. A field whose kind the page does not tell (one a test names by hand, a hidden
field: versions, ids, formset counts) gets them all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from html.parser import HTMLParser
from typing import Any

HUGE_TEXT = "x" * 10_000
HUGE_NUMBER = "99999999999999999999"  # a Python int, too big for any PostgreSQL integer column
HOSTILE = [
    "\x00",
    HUGE_TEXT,
    HUGE_NUMBER,
    "-1",
    "1e30",
    "NaN",
    "-Infinity",
    "2027-02-30",
    "31/12/9999",
    "",
]
# What each kind of field is sent. Free text gets the huge number too: many a text field
# holds a code or a reference that some lookup reads as a number.
TEXT = ["\x00", HUGE_TEXT, HUGE_NUMBER, ""]
CHOICE = ["\x00", HUGE_NUMBER, HUGE_TEXT, ""]  # an unknown choice, an id out of range
NUMBER = ["\x00", HUGE_NUMBER, "-1", "1e30", "NaN", "-Infinity", ""]
DATE = ["\x00", "2027-02-30", "31/12/9999", ""]
VALUES_BY_KIND: dict[str, list[str]] = {
    "text": TEXT,
    "choice": CHOICE,
    "number": NUMBER,
    # A number or a date typed in a text box: the text's values as well.
    "number-text": [*NUMBER, HUGE_TEXT],
    "date": [*DATE, HUGE_TEXT],
}
NUMBER_LIKE = re.compile(r"-?[0-9]+([.,][0-9]+)?")
DATE_LIKE = re.compile(r"[0-9]{1,4}[/-][0-9]{1,2}([/-][0-9]{1,4})?")
DATE_PLACEHOLDER = re.compile(r"(jj|dd|mm)/(mm|aaaa|yyyy)", re.IGNORECASE)


class Form(dict[str, Any]):
    """A form's fields and their values, with the kind of each as the page shows it.
    ``form | {...}`` keeps the kinds (``{**form, ...}`` would lose them)."""

    def __init__(self, fields: dict[str, Any], kinds: dict[str, str]) -> None:
        super().__init__(fields)
        self.kinds = kinds

    def __or__(self, other: Any) -> Form:  # type: ignore[override]
        return Form({**self, **other}, self.kinds)


def kind_of(base: dict[str, Any], name: str) -> str | None:
    """The field's kind: the page's, refined by the value it holds; None when unknown."""
    kinds = getattr(base, "kinds", {})
    kind = kinds.get(name)
    value = base[name] if isinstance(base[name], str) else ""
    if kind in (None, "text"):
        if NUMBER_LIKE.fullmatch(value.strip()):
            return "number-text"
        if DATE_LIKE.fullmatch(value.strip()):
            return "date"
    return kind


def hostile_values(base: dict[str, Any], name: str) -> list[str]:
    kind = kind_of(base, name)
    return VALUES_BY_KIND.get(kind or "", HOSTILE)


# A field of a formset's second or later row (``lines-1-quantity``), or of the empty row the
# page holds for its script to copy (``lines-__prefix__-quantity``, which no formset reads).
LATER_FORMSET_ROW = re.compile(r"-([1-9][0-9]*|__prefix__)-")


class _Forms(HTMLParser):
    """Every <form>: its action and the named fields with the value the page gives them and
    their kind."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = {"action": a.get("action", ""), "method": a.get("method", "get").lower()}
            self._form["fields"] = {}
            self._form["kinds"] = {}
            self.forms.append(self._form)
            return
        if self._form is None or not a.get("name"):
            if tag == "option" and self._select and self._form is not None:
                fields = self._form["fields"]
                if "selected" in a or not fields.get(self._select):
                    fields[self._select] = a.get("value", "")
            return
        name = a["name"]
        fields = self._form["fields"]
        if tag in ("input", "select", "textarea"):
            self._form["kinds"][name] = _kind(tag, a)
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                fields[name] = a.get("value", "")
        elif tag == "select":
            self._select = name
            fields.setdefault(name, "")
        elif tag == "textarea":
            self._textarea = name
            fields[name] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea and self._form is not None:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _kind(tag: str, a: dict[str, str]) -> str:
    """What the element says of the value it takes: ``hidden`` (anything: an id, a version, a
    formset's count), ``choice``, ``number``, ``date``, ``number-text`` (a number typed in a
    text box, as French decimals are) or ``text``."""
    if tag == "select":
        return "choice"
    if tag == "textarea":
        return "text"
    kind = a.get("type", "text").lower()
    if kind in ("checkbox", "radio"):
        return "choice"
    if kind in ("number", "range"):
        return "number"
    if kind in ("date", "month", "week", "time", "datetime-local"):
        return "date"
    if kind == "hidden":
        return "hidden"
    if a.get("inputmode") in ("numeric", "decimal") or "text-end" in a.get("class", "").split():
        return "number-text"
    if DATE_PLACEHOLDER.search(a.get("placeholder", "")):
        return "date"
    return "text"


def form_on(html: str, action_contains: str = "") -> Form:
    """The fields of the page's first POST form whose action contains ``action_contains``."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        chrome = "/i18n/" in form["action"] or "logout" in form["action"]
        if form["method"] == "post" and not chrome and action_contains in form["action"]:
            fields = {k: v for k, v in form["fields"].items() if k != "csrfmiddlewaretoken"}
            return Form(fields, form["kinds"])
    raise AssertionError(f"no POST form with {action_contains!r} in its action")


def with_kinds(html: str, data: dict[str, Any]) -> Form:
    """``data`` (fields a test names by hand), given the kinds the page's POST form that
    holds most of them draws them with."""
    parser = _Forms()
    parser.feed(html)
    posts = [form for form in parser.forms if form["method"] == "post"]
    assert posts, "no POST form on the page"
    form = max(posts, key=lambda form: len(set(form["kinds"]) & set(data)))
    return Form(data, form["kinds"])


def fuzz(
    client: Any,
    url: str,
    base: dict[str, Any],
    *,
    values: list[str] | None = None,
    only: Collection[str] | None = None,
    fresh: Callable[[], dict[str, Any]] | None = None,
) -> None:
    """Post ``base`` with each field in turn replaced by each hostile value of its kind (or
    each of ``values``), left out, and doubled; then as JSON. Nothing may answer 500.
    ``fresh`` gives the form again after a post that saved (its version changed). ``only``
    names the fields to attack (the others keep their value).

    A formset's rows after its first hold the same fields under another index: only the
    first row's are attacked (each post costs a request; a form of four order lines would
    take minutes)."""
    names = [n for n in base if not LATER_FORMSET_ROW.search(n)]
    for name in [n for n in names if only is None or n in only]:
        for value in hostile_values(base, name) if values is None else values:
            data = {**base, name: value}
            response = client.post(url, data)
            assert response.status_code < 500, (url, name, kind_of(base, name), repr(value[:20]))
            if response.status_code == 302 and fresh is not None:
                base = fresh()
        missing = {k: v for k, v in base.items() if k != name}
        assert client.post(url, missing).status_code < 500, (url, name, "missing")
        doubled = {**base, name: [base[name], "x" * 300]}
        assert client.post(url, doubled).status_code < 500, (url, name, "doubled")
    response = client.post(url, base, content_type="application/json")
    assert response.status_code < 500, (url, "json")
