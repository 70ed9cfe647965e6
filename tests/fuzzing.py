"""Hostile form posts for the attack tests: the fields of a page's form, read from its HTML,
sent back with one field at a time replaced by something no person types."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

HOSTILE = [
    "\x00",
    "x" * 10_000,
    "99999999999999999999",
    "-1",
    "1e30",
    "NaN",
    "-Infinity",
    "2027-02-30",
    "31/12/9999",
    "",
]


# A field of a formset's second or later row: ``lines-1-quantity``.
LATER_FORMSET_ROW = re.compile(r"-[1-9][0-9]*-")


class _Forms(HTMLParser):
    """Every <form>: its action and the named fields with the value the page gives them."""

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


def form_on(html: str, action_contains: str = "") -> dict[str, str]:
    """The fields of the page's first POST form whose action contains ``action_contains``."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        chrome = "/i18n/" in form["action"] or "logout" in form["action"]
        if form["method"] == "post" and not chrome and action_contains in form["action"]:
            return {k: v for k, v in form["fields"].items() if k != "csrfmiddlewaretoken"}
    raise AssertionError(f"no POST form with {action_contains!r} in its action")


def fuzz(
    client: Any,
    url: str,
    base: dict[str, Any],
    *,
    values: list[str] = HOSTILE,
    fresh: Callable[[], dict[str, Any]] | None = None,
) -> None:
    """Post ``base`` with each field in turn replaced by each hostile value, left out, and
    doubled; then as JSON. Nothing may answer 500. ``fresh`` gives the form again after a
    post that saved (its version changed).

    A formset's rows after its first hold the same fields under another index: only the
    first row's are attacked (each post costs a request; a form of four order lines would
    take minutes)."""
    for name in [n for n in base if not LATER_FORMSET_ROW.search(n)]:
        for value in values:
            data = {**base, name: value}
            response = client.post(url, data)
            assert response.status_code < 500, (url, name, repr(value[:20]))
            if response.status_code == 302 and fresh is not None:
                base = fresh()
        missing = {k: v for k, v in base.items() if k != name}
        assert client.post(url, missing).status_code < 500, (url, name, "missing")
        doubled = {**base, name: [base[name], "x" * 300]}
        assert client.post(url, doubled).status_code < 500, (url, name, "doubled")
    response = client.post(url, base, content_type="application/json")
    assert response.status_code < 500, (url, "json")
